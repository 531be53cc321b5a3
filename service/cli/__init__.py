"""The `mufakat` command line (click): `service.cli.main` gathers the commands of this package's modules."""
