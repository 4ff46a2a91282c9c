def human_size(n):
    """Bytes as a person reads them: 532 B, 14.2 KB, 3.1 MB, 1.20 GB."""
    for unit, size in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if n >= size:
            return f"{n / size:.2f} {unit}" if unit == "GB" else f"{n / size:.1f} {unit}"
    return f"{n} B"
