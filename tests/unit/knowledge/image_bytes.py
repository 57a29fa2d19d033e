"""Tiny real images, with the metadata a phone camera would leave in them."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image, ImageCms

# 53°48'N, 1°33'W as EXIF rationals: the bytes that must never leave the uploader's phone.
GPS_RATIONALS = struct.pack(">6I", 53, 1, 48, 1, 0, 1)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">taken at home</x:xmpmeta>'
COMMENT = b"taken at 12 Acacia Avenue"
ORANGE, BLUE = (230, 120, 20), (20, 60, 200)


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


def icc_profile() -> bytes:
    """An sRGB ICC profile, the kind of colour profile a camera embeds (with its description text)."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def saved(image: Image.Image, kind: str, **options: object) -> bytes:
    """The image saved by Pillow as `kind`, with the given metadata options."""
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A 16×12 JPEG carrying EXIF with a GPS position, XMP, an ICC profile and a comment."""
    return saved(Image.new("RGB", (16, 12), ORANGE), "JPEG", exif=b"Exif\x00\x00" + exif_with_gps(), xmp=XMP,
                 icc_profile=icc_profile(), comment=COMMENT)


def sideways_jpeg() -> bytes:
    """A phone photo held upright: stored 32×16 (orange left, blue right), with EXIF saying "turn it 90° clockwise"."""
    image = Image.new("RGB", (32, 16), BLUE)
    image.paste(ORANGE, (0, 0, 16, 16))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    return saved(image, "JPEG", exif=exif, quality=95)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk with its length and CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(*metadata: bytes) -> bytes:
    """A valid 1x1 grey PNG, with the given metadata chunks after its header."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    pixels = png_chunk(b"IDAT", zlib.compress(b"\x00\x7f"))
    return PNG_SIGNATURE + header + b"".join(metadata) + pixels + png_chunk(b"IEND", b"")


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims `width`×`height` pixels (a decompression bomb, or a lie)."""
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    return PNG_SIGNATURE + header + png_chunk(b"IDAT", zlib.compress(bytes(1_000))) + png_chunk(b"IEND", b"")


def webp_with_metadata() -> bytes:
    """A WebP whose VP8X header announces the EXIF (with GPS), XMP and ICC profile it carries."""
    return saved(Image.new("RGB", (16, 12), ORANGE), "WEBP", exif=b"Exif\x00\x00" + exif_with_gps(), xmp=XMP,
                 icc_profile=icc_profile(), lossless=True)
