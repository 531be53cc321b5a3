"""A facilitator signs in by a one-time link, records a whole musyawarah on a phone-sized console and seals its
berita acara, with no API call; anyone reads it on the portal."""

from __future__ import annotations

import re

from e2e_support import Site, Watch, event_types, screenshot, sign_in_by_link
from playwright.sync_api import Page, expect

PEOPLE = (
    ("Ibu Sumiati Wibowo", "women", "female"),
    ("Pak Darto Suyono", "elderly", "male"),
    ("Mbak Rini Astuti", "youth", "female"),
)


def test_a_facilitator_records_a_whole_musyawarah_on_a_phone_and_the_portal_tells_it_without_names(
    phone: Page, site: Site, watch: Watch
) -> None:
    page = phone
    # Signed in by the admin's one-time link (its QR code), no secret typed; a second use signs nobody in.
    link = sign_in_by_link(page, site)
    expect(page.get_by_role("heading", name="Proses", exact=True)).to_be_visible()

    # A process, three participants registered fast, a meeting inviting them.
    page.get_by_label("Judul").fill("Musyawarah Desa Karanganyar 2027")
    page.get_by_label("Kode wilayah").fill("33.13.04.2005")
    page.get_by_label("Nama wilayah").fill("Desa Karanganyar")
    page.get_by_role("button", name="Buka proses").click()
    expect(page.get_by_role("heading", name="Musyawarah Desa Karanganyar 2027")).to_be_visible()
    process_url = page.url
    for name, group, gender in PEOPLE:
        page.get_by_label("Nama", exact=True).fill(name)
        page.get_by_label("Kelompok", exact=True).select_option(group)
        page.get_by_label("Jenis kelamin").select_option(gender)
        page.get_by_role("button", name="Daftarkan").click()
        expect(page.get_by_role("cell", name=name)).to_be_visible()
    screenshot(page, "console-process")
    page.get_by_label("Nama rapat").fill("Musyawarah Desa Tahap I")
    page.get_by_label("Jadwal").fill("2027-01-15T09:00")
    page.get_by_label("Tempat").fill("Balai Desa Karanganyar")
    page.get_by_role("button", name="Jadwalkan rapat").click()

    # The attendance checklist shows the quorum live.
    expect(page.get_by_role("heading", name="Musyawarah Desa Tahap I")).to_be_visible()
    meeting_url = page.url
    quorum = page.locator("output.quorum-live")
    expect(quorum).to_contain_text("0 dari 3 hadir")
    expect(quorum).to_contain_text("kuorum tidak terpenuhi")
    for name, _, _ in PEOPLE:
        page.get_by_label(name).check()
    expect(quorum).to_contain_text("3 dari 3 hadir")
    expect(quorum).to_contain_text("kuorum terpenuhi")
    screenshot(page, "console-meeting-attendance")
    page.get_by_role("button", name="Buka rapat").click()
    expect(page.get_by_role("heading", name="Hadir (3)")).to_be_visible()

    # A proposal, at the open meeting.
    page.goto(process_url)
    page.get_by_label("Judul usulan").fill("Perbaikan jalan dusun")
    page.get_by_label("Isi usulan").fill("Pengaspalan jalan Dusun Krajan sepanjang 400 meter.")
    page.get_by_label("Diusulkan oleh").select_option(label="Ibu Sumiati Wibowo (perempuan)")
    page.get_by_role("button", name="Ajukan usulan").click()
    expect(page.get_by_role("heading", name="Perbaikan jalan dusun")).to_be_visible()

    # Each deliberation step is one tap.
    page.get_by_label("Yang berbicara").select_option(label="Pak Darto Suyono (lansia)")
    page.get_by_label("Yang disampaikan").fill("Jalan ini dipakai anak-anak ke sekolah setiap hari.")
    page.get_by_role("button", name="Dukungan").click()
    expect(page.get_by_text("1 masukan")).to_be_visible()

    page.get_by_label("Yang berkeberatan").select_option(label="Mbak Rini Astuti (pemuda)")
    page.get_by_label("Alasan keberatan").fill("Belum ada saluran air di sisi jalan.")
    page.get_by_label("Keberatan mendasar (menghalangi mufakat)").check()
    page.get_by_role("button", name="Catat keberatan").click()
    expect(page.get_by_text("Belum ada saluran air di sisi jalan.")).to_be_visible()

    # Adopting now is refused, and the reason shows in Indonesian next to the control.
    page.get_by_label("Alasan dan pertimbangan").fill("Disepakati.")
    page.get_by_role("button", name="Catat keputusan").click()
    expect(page.locator("#decide-refusal")).to_have_text(
        "Masih ada keberatan mendasar yang belum diselesaikan: "
        "keberatan itu harus ditanggapi, dicabut, atau dikesampingkan lebih dulu."
    )

    page.get_by_label("Yang mengusulkan perubahan").select_option(label="Mbak Rini Astuti (pemuda)")
    page.get_by_label("Teks baru").fill("Pengaspalan jalan Dusun Krajan sepanjang 400 meter dengan saluran air.")
    page.get_by_label("Alasan", exact=True).fill("Menjawab keberatan soal saluran air.")
    page.get_by_role("button", name="Catat perubahan usulan").click()
    expect(page.get_by_text("teks versi 2")).to_be_visible()

    page.get_by_label("Bagaimana ditanggapi").fill("Saluran air ditambahkan lewat perubahan usulan.")
    page.get_by_role("button", name="Ditanggapi").click()
    expect(page.get_by_text("ditanggapi", exact=False).first).to_be_visible()

    page.get_by_role("button", name="Buka pengecekan mufakat").click()
    for name, _, _ in PEOPLE:
        row = page.locator("form.tap-row", has_text=name)
        row.get_by_role("button", name="Setuju", exact=True).click()
        expect(row.get_by_role("button", name="Setuju", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text("setuju 3")).to_be_visible()
    screenshot(page, "console-proposal-consensus-check")
    page.get_by_role("button", name="Tutup pengecekan").click()
    expect(page.get_by_text("mufakat tercapai").first).to_be_visible()

    page.get_by_label("Cara", exact=True).select_option("consensus")
    page.get_by_label("Alasan dan pertimbangan").fill("Mufakat tercapai setelah saluran air ditambahkan.")
    page.get_by_role("button", name="Catat keputusan").click()
    expect(page.locator(".badge", has_text="disepakati").first).to_be_visible()

    page.get_by_label("Penanggung jawab").fill("Kaur Pembangunan")
    page.get_by_label("Yang akan dikerjakan").fill("Pengaspalan dan saluran air Dusun Krajan")
    page.get_by_label("Tenggat").fill("2027-09-30")
    page.get_by_label("Indikator (satu per baris)").fill("400 meter aspal\nsaluran air kedua sisi")
    page.get_by_role("button", name="Catat tindak lanjut").click()
    page.get_by_label("Persen selesai").fill("40")
    page.get_by_label("Catatan").fill("Fondasi selesai.")
    page.get_by_role("button", name="Laporkan kemajuan").click()
    expect(page.get_by_text("40%").first).to_be_visible()
    screenshot(page, "console-proposal-decided")

    # The meeting closes with its notulen, and its berita acara is sealed from the same phone.
    page.goto(meeting_url)
    page.get_by_role("button", name="Tutup rapat").click()
    expect(page.get_by_role("heading", name="Berita acara")).to_be_visible()
    page.get_by_label("Nama").first.fill("Bapak Ketua BPD")
    page.get_by_label("Jabatan").first.fill("Ketua BPD Karanganyar")
    page.get_by_label("Nama").nth(1).fill("Ibu Sekretaris")
    page.get_by_label("Jabatan").nth(1).fill("Sekretaris Desa")
    page.get_by_role("button", name="Segel berita acara").click()
    expect(page.get_by_text("Disegel (versi 1) pada")).to_be_visible()
    meeting_id = meeting_url.rstrip("/").rsplit("/", 1)[-1]
    assert event_types(site, meeting_id).count("MinutesSealed") == 1
    screenshot(page, "console-berita-acara-sealed")

    # The portal tells the story to anyone, without a name.
    page.goto(f"{site.url}/?region=33.13")
    decision_link = page.get_by_role("link", name="Perbaikan jalan dusun")
    expect(decision_link).to_be_visible()
    screenshot(page, "portal-index")
    decision_link.click()
    expect(page.get_by_role("heading", name="Bagaimana keputusan dicapai")).to_be_visible()
    timeline = page.locator("ol.timeline > li")
    expect(timeline.first).to_contain_text("Usulan diajukan")
    assert timeline.count() >= 9
    assert timeline.locator(":scope > time[datetime]").count() == timeline.count()
    story = page.locator("ol.timeline").inner_text()
    for step in (
        "Masukan: dukungan",
        "Keberatan mendasar diajukan",
        "Usulan diubah",
        "Keberatan ditanggapi",
        "Pengecekan mufakat: mufakat tercapai",
        "Keputusan: disepakati melalui mufakat",
        "Tindak lanjut disepakati",
        "Laporan kemajuan: 40%",
    ):
        assert step in story
    assert re.search(r"setuju 3", story)
    screenshot(page, "portal-decision")
    decision_html = page.content()
    page.get_by_role("link", name="Musyawarah Desa Karanganyar 2027").click()
    expect(page.locator("svg[role=img]").first).to_be_visible()
    # People are sent to the Langganan page, which explains the Atom and CSV feeds of this process.
    expect(page.get_by_role("link", name="Ikuti proses ini: cara berlangganan")).to_have_attribute(
        "href", re.compile(r"^/langganan\?process_id=")
    )
    screenshot(page, "portal-process")
    for html in (decision_html, page.content()):
        for name, _, _ in PEOPLE:
            assert name not in html
        assert site.facilitator_name not in html
    # The link, opened again, signs nobody in.
    page.context.clear_cookies()
    page.goto(link)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("alert")).to_contain_text("sudah dipakai")
    assert [error for error in watch.errors if "status of 401" not in error] == []
    assert watch.foreign_requests == []
