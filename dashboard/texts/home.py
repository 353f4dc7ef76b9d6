"""Texts of the start page `/`: what the command center is and where to go."""

ID = {
    "home_tagline": "Pusat komando Kota Binjai: pengaduan warga, tombol darurat dan bus Trans Binjai di satu tempat.",
    "home_what": (
        "Operator menanggapi darurat dan pengaduan sebelum tenggatnya, OPD menindaklanjuti, "
        "dan kantor wali kota melihat kinerja layanan — semua waktu dalam WIB."
    ),
    "home_screens": "Layar yang dapat Anda buka",
    "home_wall": "Layar dinding",
    "home_wall_note": "perlu token dari administrator: /wall?token=…",
    "home_wall_demo": "demo: token {token}",
    "home_status": "Status sistem",
    "home_status_note": "aliran data dan antreannya, tanpa masuk",
    "home_login": "Masuk",
    "home_login_note": "untuk operator, supervisor, OPD, kantor wali kota dan administrator",
    "home_signed_in": "Masuk sebagai {name} ({role})",
    "home_logout": "Keluar",
    "home_role_pages": "Halaman Anda",
    "home_language": "Bahasa",
}

EN = {
    "home_tagline": "Kota Binjai's command center: citizen complaints, the panic button and the Trans Binjai buses in one place.",
    "home_what": (
        "Operators answer emergencies and complaints before their deadlines, agencies follow up, "
        "and the mayor's office sees how the services perform — every time in WIB (UTC+7)."
    ),
    "home_screens": "Screens you can open",
    "home_wall": "Wall screen",
    "home_wall_note": "needs the token from an administrator: /wall?token=…",
    "home_wall_demo": "demo: token {token}",
    "home_status": "System status",
    "home_status_note": "the data streams and their backlog, no sign-in",
    "home_login": "Sign in",
    "home_login_note": "for operators, supervisors, agencies, the mayor's office and administrators",
    "home_signed_in": "Signed in as {name} ({role})",
    "home_logout": "Sign out",
    "home_role_pages": "Your pages",
    "home_language": "Language",
}
