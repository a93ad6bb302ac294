"""Invented name, street and occupation lists for synthetic identities.

The name and street lists are combinations of very common Indonesian words
and given names, written for this project; they describe no real person.
The occupation list follows the categories printed on e-KTPs, weighted
roughly by how often they appear.  Kept apart from :mod:`.identity` so the
logic stays short; formatting is left compact on purpose.
"""

from __future__ import annotations

# fmt: off
PROVINCE_WEIGHTS: dict[str, float] = {
    "31": 8, "32": 16, "33": 12, "34": 3, "35": 14, "36": 6, "11": 2, "12": 5, "13": 2, "14": 2, "15": 1, "16": 3,
    "17": 1, "18": 3, "19": 1, "21": 1, "51": 2, "52": 2, "53": 2, "61": 2, "62": 1, "63": 2, "64": 2, "65": 0.5,
    "71": 1.5, "72": 1, "73": 3, "74": 1, "75": 0.5, "76": 0.5, "81": 1, "82": 0.5, "91": 1, "92": 0.5,
}
JAVA_M: list[str] = [
    "AGUS", "BUDI", "SUGENG", "JOKO", "BAMBANG", "SLAMET", "EKO", "HERU", "DWI", "TRI", "WAHYU", "ANDI", "YUDI",
    "SUTRISNO", "PRASETYO", "NUGROHO", "SETIAWAN", "PURNOMO", "HARYANTO", "WIBOWO", "KURNIAWAN", "SANTOSO", "SUSILO",
    "RAHMAT", "GILANG", "BAYU", "ARIF", "DENI", "HADI", "TEGUH",
]
JAVA_F: list[str] = [
    "SRI", "SITI", "DEWI", "ENDANG", "RATNA", "SUMARNI", "WULANDARI", "LESTARI", "RAHAYU", "PUJI", "ASTUTI",
    "NINGSIH", "SURYANI", "YULIANI", "INDAH", "PERMATA", "KARTIKA", "NOVITA", "ANGGRAINI", "PUSPITA", "SEPTIANI",
    "HANDAYANI", "WATI", "MURNI", "TITIK", "DIAH", "RINI", "AYU", "FITRI",
]
SUNDA_M: list[str] = [
    "ASEP", "UJANG", "DEDE", "CECEP", "DADANG", "UJANG", "ENDANG", "YAYAN", "AEP", "JAJANG", "DEDI", "MAMAN", "OMAN",
    "IWAN", "HENDRA", "RUDI", "RIDWAN", "FIRMANSYAH", "SUPRIATNA", "HIDAYAT",
]
SUNDA_F: list[str] = [
    "NENG", "EUIS", "IMAS", "CUCU", "TATI", "YAYU", "NENDEN", "LILIS", "ENOK", "EUTIK", "ROSMIATI", "NURHAYATI",
    "HERLINA", "YANTI", "SUSANTI", "KOKOM", "IIS", "ELIS", "NENG SITI",
]
MUSLIM_M: list[str] = [
    "MUHAMMAD", "MOH", "AHMAD", "ABDUL", "FAJAR", "RIZKY", "IRFAN", "HASAN", "HUSEIN", "ZAINAL", "SYAHRUL", "FAISAL",
    "ARIFIN", "NURDIN", "SAIFUL", "ILHAM", "HIDAYATULLAH", "ABDURRAHMAN", "MAULANA", "RAMADHAN", "FIRDAUS", "IKHSAN",
    "ALFIAN", "ANWAR", "YUSUF", "LUTFI",
]
MUSLIM_F: list[str] = [
    "NUR", "SITI", "AISYAH", "FATIMAH", "KHADIJAH", "ZAHRA", "NURUL", "HALIMAH", "ANNISA", "RAHMAWATI", "HIDAYATI",
    "AZIZAH", "SALSABILA", "NABILA", "MAULIDA", "FAUZIAH", "ZULAIKHA",
]
CHRIST_M: list[str] = [
    "YOHANES", "PETRUS", "PAULUS", "STEFANUS", "ANTONIUS", "FRANSISKUS", "MARKUS", "YOSEF", "DANIEL", "MIKAEL",
    "ANDREAS", "BERNARDUS", "GREGORIUS", "IGNASIUS", "YAKOBUS", "ROBERT",
]
CHRIST_F: list[str] = [
    "MARIA", "MAGDALENA", "ELISABETH", "KRISTINA", "VERONIKA", "AGNES", "THERESIA", "YOHANA", "MARTA", "SUSANA",
    "MONIKA", "CLAUDIA", "LUSIA", "FRANSISKA", "ROSALINA", "DEBORA",
]
BATAK_SURNAMES: list[str] = [
    "SIMANJUNTAK", "SIREGAR", "NASUTION", "HUTAGALUNG", "SITUMORANG", "PANJAITAN", "SIHOMBING", "LUBIS", "HARAHAP",
    "SINAGA", "TAMPUBOLON", "SIMATUPANG", "MANURUNG", "PARDEDE", "GINTING",
]
BALI_M: list[str] = [
    "I WAYAN", "I MADE", "I NYOMAN", "I KETUT", "I PUTU", "I GEDE", "I KADEK", "I KOMANG",
]
BALI_F: list[str] = [
    "NI WAYAN", "NI MADE", "NI NYOMAN", "NI KETUT", "NI PUTU", "NI LUH", "NI KADEK", "NI KOMANG",
]
BALI_TAIL: list[str] = [
    "SUARDANA", "ARTAWAN", "SUDARSANA", "WIRAWAN", "MERTA", "SUKADANA", "ARIANI", "SRIASIH", "WIDIASTUTI",
    "PUSPAYANTI", "DARMAWAN", "ADNYANA", "SUPARTA", "SUDIARTA",
]
CHINESE_SURNAMES: list[str] = [
    "TAN", "LIM", "GO", "ONG", "WIJAYA", "GUNAWAN", "HALIM", "SALIM", "TANOTO", "KUSUMA",
]
STREET_WORDS: list[str] = [
    "MERDEKA", "SUDIRMAN", "DIPONEGORO", "PAHLAWAN", "MELATI", "MAWAR", "KENANGA", "CEMPAKA", "ANGGREK", "FLAMBOYAN",
    "BERINGIN", "NANGKA", "MANGGA", "RAYA BARAT", "RAYA TIMUR", "KARYA", "SEJAHTERA", "MAKMUR", "HARAPAN",
    "KEBON JERUK", "PASAR LAMA", "STASIUN", "PERINTIS", "KEMERDEKAAN", "CENDRAWASIH", "GARUDA", "RAJAWALI", "KASUARI",
    "SAWO", "DURIAN", "SUKAMAJU", "SUKASARI", "MEKAR", "TUNAS BARU", "BUDI UTOMO", "KARTINI", "GATOT SUBROTO",
    "IMAM BONJOL",
]
KAMPUNG_WORDS: list[str] = [
    "CIBEUREUM", "SUKAJADI", "CIKAREO", "BABAKAN", "LEBAKSARI", "PASIRJATI", "TEGALSARI", "CIMAREME", "SINDANGLAYA",
    "KARANGANYAR", "WONOREJO", "SIDOMULYO", "KRAJAN", "GUNUNGSARI", "NGEMPLAK", "KEDUNGWARU", "SUMBERSARI",
    "TANJUNGSARI", "MEKARJAYA", "PASIRHUNI",
]
PERUM_WORDS: list[str] = [
    "GRIYA ASRI", "BUMI INDAH", "TAMAN SARI", "PURI PERMAI", "VILLA MUTIARA", "GRAHA HARAPAN", "CITRA LESTARI",
    "BUKIT HIJAU", "PONDOK INDAH PERMAI", "TAMAN ALAMANDA", "BUMI CITRA RAYA",
]
OCCUPATIONS: list[tuple[str, float]] = [
    ("PELAJAR/MAHASISWA", 10), ("KARYAWAN SWASTA", 16), ("MENGURUS RUMAH TANGGA", 14), ("BELUM/TIDAK BEKERJA", 8),
    ("WIRASWASTA", 14), ("PEGAWAI NEGERI SIPIL (PNS)", 4), ("BURUH HARIAN LEPAS", 5), ("PETANI/PEKEBUN", 6),
    ("GURU", 2), ("PEDAGANG", 3), ("NELAYAN/PERIKANAN", 1), ("PENSIUNAN", 1.5), ("SOPIR", 1), ("KARYAWAN BUMN", 1),
    ("KARYAWAN HONORER", 1), ("BURUH TANI/PERKEBUNAN", 1), ("TENTARA NASIONAL INDONESIA (TNI)", 0.5),
    ("KEPOLISIAN RI (POLRI)", 0.5), ("PERAWAT", 0.5), ("DOKTER", 0.3), ("BIDAN", 0.3), ("DOSEN", 0.3),
    ("PERDAGANGAN", 1), ("TRANSPORTASI", 0.5), ("INDUSTRI", 0.5), ("KONSTRUKSI", 0.5), ("TUKANG BATU", 0.4),
    ("TUKANG KAYU", 0.4), ("PETERNAK", 0.5), ("MEKANIK", 0.3), ("PENATA RAMBUT", 0.2), ("PERANGKAT DESA", 0.3),
    ("KEPALA DESA", 0.1), ("USTADZ/MUBALIGH", 0.2), ("PENDETA", 0.1), ("WARTAWAN", 0.1), ("SENIMAN", 0.1),
    ("PEMBANTU RUMAH TANGGA", 0.3), ("BURUH NELAYAN/PERIKANAN", 0.2), ("ANGGOTA DPRD KABUPATEN/KOTA", 0.05),
    ("LAINNYA", 0.5),
]
STATUS: list[tuple[str, float]] = [
    ("KAWIN", 55), ("BELUM KAWIN", 35), ("CERAI HIDUP", 5), ("CERAI MATI", 5),
]
BLOOD: list[tuple[str, float]] = [
    ("-", 50), ("O", 15), ("A", 10), ("B", 12), ("AB", 4), ("O+", 2), ("A+", 1.5), ("B+", 1.5), ("AB+", 0.5),
    ("O-", 0.5), ("A-", 0.3), ("B-", 0.3),
]
# fmt: on
