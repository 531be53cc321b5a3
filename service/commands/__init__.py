"""Commands of the `mufakat` CLI; each module lists its click commands in `COMMANDS`."""
