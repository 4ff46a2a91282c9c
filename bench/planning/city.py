"""The generated city the planning benchmarks share: a long city of about 650,000 people in 7 districts
along its axis plus villages around it (as Kryvyi Rih, seed 004)."""

# Districts along the city's axis, north to south: (name, latitude, longitude, share of people).
DISTRICTS = [
    ("Тернівський", 48.080, 33.470, 0.11), ("Покровський", 48.010, 33.440, 0.15),
    ("Саксаганський", 47.950, 33.420, 0.18), ("Металургійний", 47.900, 33.390, 0.16),
    ("Центрально-Міський", 47.910, 33.350, 0.12), ("Довгинцівський", 47.870, 33.450, 0.14),
    ("Інгулецький", 47.720, 33.240, 0.09),
]
VILLAGES = [("Лозуватка", 48.060, 33.290), ("Новопілля", 47.780, 33.300), ("Радушне", 47.830, 33.200),
            ("Глеюватка", 48.090, 33.550), ("Веселі Терни", 48.020, 33.570), ("Степове", 47.740, 33.380)]
VILLAGE_SHARE = 0.05
