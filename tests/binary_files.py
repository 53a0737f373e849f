"""Byte-level builders for test_reader.py: files no library writes (a zip bomb, an .xls, an OLE2 container)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path


def raw_zip(path: Path, entries: list[tuple[str, bytes, int]]) -> Path:
    """A zip written byte by byte: (name, deflated bytes, declared uncompressed size) per entry.

    zipfile cannot store data it did not compress itself; this can declare what the test needs.
    The CRC is left 0: the reader must refuse these files before anything could check it.
    """
    body, directory = b"", b""
    for name, data, size in entries:
        encoded = name.encode()
        fields = struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0x21, 0, len(data), size, len(encoded), 0)
        directory += b"PK\x01\x02" + struct.pack("<H", 20) + fields + struct.pack("<HHHII", 0, 0, 0, 0, len(body))
        directory += encoded
        body += b"PK\x03\x04" + fields + encoded + data
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    path.write_bytes(body + directory + end)
    return path


def deflated_zeros(gibibytes: int) -> bytes:
    """Raw deflate of ``gibibytes`` GiB of zero bytes, about 1 MB per GiB, built from one 64 MiB block.

    A block ending in a full flush is byte-aligned and refers to nothing before it, so copies of it
    can be chained; b"\\x03\\x00" is an empty final block.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(64 * 1024**2)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * (16 * gibibytes) + b"\x03\x00"


def ole2(streams: list[tuple[str, bytes]]) -> bytes:
    """A minimal OLE2 (Compound File Binary, version 3) container holding ``streams``.

    Layout: 512-byte header, sector 0 = FAT, sector 1 = directory, then each stream padded to at least
    4096 bytes (the mini-stream cutoff) so no mini FAT is needed. At most 3 streams.
    """
    free, end_of_chain, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    data, fat, directory_entries, next_sector = b"", [fat_sector, end_of_chain], [], 2
    for name, content in streams:
        content = content.ljust(max(4096, -(-len(content) // 512) * 512), b"\0")
        count = len(content) // 512
        directory_entries.append((name, next_sector, len(content)))
        fat += [next_sector + i + 1 for i in range(count - 1)] + [end_of_chain]
        next_sector += count
        data += content

    def entry(name: str, kind: int, start: int, size: int, right: int = free, child: int = free) -> bytes:
        raw = (name + "\0").encode("utf-16-le")
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(raw), kind, 1, free, right, child)
            + bytes(36)  # CLSID, state bits, creation and modification times
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, end_of_chain, 0, child=1)
    for index, (name, start, size) in enumerate(directory_entries):
        right = index + 2 if index + 1 < len(directory_entries) else free
        directory += entry(name, 2, start, size, right=right)
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)  # version 3, little-endian, 512-byte sectors
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end_of_chain, 0, end_of_chain, 0)
        + struct.pack("<109I", 0, *[free] * 108)  # the FAT is sector 0
    )
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    return header + fat_bytes + directory.ljust(512, b"\0") + data


def biff8_workbook(sheets: list[tuple[str, bool, list[tuple[int, int, object]]]]) -> bytes:
    """The "Workbook" stream of an .xls: (name, hidden, [(row, column, value)]) per sheet, 0-based."""

    def record(kind: int, body: bytes = b"") -> bytes:
        return struct.pack("<HH", kind, len(body)) + body

    def bof(kind: int) -> bytes:  # 0x0005 workbook globals, 0x0010 worksheet
        return record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))

    def cell(row: int, column: int, value: object) -> bytes:
        if isinstance(value, str):  # LABEL, 8-bit characters
            return record(0x0204, struct.pack("<HHHHB", row, column, 0, len(value), 0) + value.encode("latin-1"))
        return record(0x0203, struct.pack("<HHHd", row, column, 0, value))  # NUMBER

    substreams = [bof(0x0010) + b"".join(cell(*c) for c in cells) + record(0x000A) for _, _, cells in sheets]

    def globals_(offsets: list[int]) -> bytes:
        bound_sheets = b"".join(
            record(0x0085, struct.pack("<IBBBB", offset, int(hidden), 0, len(name), 0) + name.encode("latin-1"))
            for (name, hidden, _), offset in zip(sheets, offsets, strict=True)
        )
        return bof(0x0005) + record(0x0042, struct.pack("<H", 1200)) + bound_sheets + record(0x000A)

    position = len(globals_([0] * len(sheets)))
    offsets = []
    for substream in substreams:
        offsets.append(position)
        position += len(substream)
    return globals_(offsets) + b"".join(substreams)
