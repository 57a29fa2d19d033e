"""Tiny images built byte by byte, with the metadata a phone camera would leave in them."""

from __future__ import annotations

import struct
import zlib

# 53°48'N, 1°33'W as EXIF rationals: the bytes that must never leave the uploader's phone.
GPS_RATIONALS = struct.pack(">6I", 53, 1, 48, 1, 0, 1)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def exif_with_gps() -> bytes:
    """A big-endian TIFF block whose IFD0 points to a GPS IFD holding a latitude."""
    header = b"MM\x00\x2a" + struct.pack(">I", 8)
    ifd0 = struct.pack(">H", 1) + struct.pack(">HHII", 0x8825, 4, 1, 26) + struct.pack(">I", 0)
    gps_ifd = (
        struct.pack(">H", 2)
        + struct.pack(">HHI", 0x0001, 2, 2)
        + b"N\x00\x00\x00"
        + struct.pack(">HHII", 0x0002, 5, 3, 56)
        + struct.pack(">I", 0)
    )
    return header + ifd0 + gps_ifd + GPS_RATIONALS


def jpeg_segment(marker: int, payload: bytes) -> bytes:
    """One JPEG marker segment with its length."""
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_gps() -> bytes:
    """A JPEG's structure: JFIF, EXIF with GPS, a comment, a quantisation table and one scan."""
    return (
        b"\xff\xd8"
        + jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + jpeg_segment(0xE1, b"Exif\x00\x00" + exif_with_gps())
        + jpeg_segment(0xFE, b"taken at 12 Acacia Avenue")
        + jpeg_segment(0xDB, b"\x00" + bytes(range(64)))
        + jpeg_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x8a\x28\xa2\x80"
        + b"\xff\xd9"
    )


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk with its length and CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(*metadata: bytes) -> bytes:
    """A valid 1x1 grey PNG, with the given metadata chunks after its header."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    pixels = png_chunk(b"IDAT", zlib.compress(b"\x00\x7f"))
    return PNG_SIGNATURE + header + b"".join(metadata) + pixels + png_chunk(b"IEND", b"")


def webp_chunk(kind: bytes, data: bytes) -> bytes:
    """One RIFF chunk, padded to an even length."""
    return kind + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")


def webp_with_metadata() -> bytes:
    """A WebP whose VP8X header announces the EXIF and XMP chunks it carries."""
    vp8x = webp_chunk(b"VP8X", bytes([0x08 | 0x04, 0, 0, 0]) + b"\x00\x00\x00\x00\x00\x00")
    body = (
        vp8x
        + webp_chunk(b"VP8L", b"\x2f\x00\x00\x00\x00")
        + webp_chunk(b"EXIF", exif_with_gps())
        + webp_chunk(b"XMP ", b"<x:xmpmeta>home</x:xmpmeta>")
    )
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body
