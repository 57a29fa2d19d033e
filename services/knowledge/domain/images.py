"""Image checks by content, not by name: JPEG, PNG or WebP, size-limited, with metadata stripped."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass

from .errors import ImageRejected

MAX_IMAGE_BYTES = 5 * 1024 * 1024
JPEG, PNG, WEBP = "image/jpeg", "image/png", "image/webp"

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_METADATA = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"}
_WEBP_METADATA = {b"EXIF", b"XMP "}
_WEBP_IMAGE = {b"VP8 ", b"VP8L", b"VP8X"}
_VP8X_EXIF_AND_XMP_FLAGS = 0x08 | 0x04
_JPEG_SOS, _JPEG_EOI, _JPEG_COMMENT = 0xDA, 0xD9, 0xFE
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}


@dataclass(frozen=True)
class CleanImage:
    """An accepted image with its metadata removed, named by the SHA-256 of its bytes."""

    data: bytes
    media_type: str
    sha256: str

    @property
    def size(self) -> int:
        """Its size in bytes."""
        return len(self.data)


def clean_image(data: bytes, max_bytes: int = MAX_IMAGE_BYTES) -> CleanImage:
    """Check an upload is an image we accept and strip its metadata (GPS, camera, comments)."""
    if not data:
        raise ImageRejected("the file is empty")
    if len(data) > max_bytes:
        raise ImageRejected(f"the image is {len(data)} bytes; the limit is {max_bytes} bytes")
    media_type = sniff_media_type(data)
    cleaned = _STRIPPERS[media_type](data)
    return CleanImage(cleaned, media_type, hashlib.sha256(cleaned).hexdigest())


def sniff_media_type(data: bytes) -> str:
    """The media type the bytes themselves declare, whatever the file was called."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    raise ImageRejected("only JPEG, PNG or WebP images are accepted")


def _broken(kind: str) -> ImageRejected:
    return ImageRejected(f"the file starts like a {kind} image but its structure is broken")


def _strip_jpeg(data: bytes) -> bytes:
    out, i = bytearray(data[:2]), 2
    while i + 2 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte before a marker
            i += 1
            continue
        if marker in _JPEG_STANDALONE:
            out += data[i : i + 2]
            i += 2
            continue
        if marker == _JPEG_SOS:
            # Everything from the first scan on is image data; cameras and phones write their
            # metadata (EXIF with GPS, XMP, IPTC) in the segments before it.
            return bytes(out + data[i:])
        if marker == _JPEG_EOI or i + 4 > len(data):
            break
        end = i + 2 + int.from_bytes(data[i + 2 : i + 4], "big")
        if end > len(data) or end < i + 4:
            break
        if _keep_jpeg_segment(marker, data[i + 4 : end]):
            out += data[i:end]
        i = end
    raise _broken("JPEG")


def _keep_jpeg_segment(marker: int, payload: bytes) -> bool:
    # APP0 (JFIF), APP14 (Adobe colour transform) and APP2 ICC profiles are needed to show the
    # colours right and say nothing about the person; every other APPn and comments may.
    # Dropping APP1 also drops the EXIF orientation: a phone photo may show rotated.
    if marker == _JPEG_COMMENT:
        return False
    if 0xE0 <= marker <= 0xEF:
        return marker in (0xE0, 0xEE) or (marker == 0xE2 and payload.startswith(b"ICC_PROFILE\0"))
    return True


def _strip_png(data: bytes) -> bytes:
    out, i, first = bytearray(_PNG_SIGNATURE), len(_PNG_SIGNATURE), True
    while i + 12 <= len(data):
        length = int.from_bytes(data[i : i + 4], "big")
        kind, end = data[i + 4 : i + 8], i + 12 + length
        if end > len(data) or zlib.crc32(data[i + 4 : end - 4]) != int.from_bytes(data[end - 4 : end], "big"):
            break
        if first and kind != b"IHDR":
            break
        if kind not in _PNG_METADATA:
            out += data[i:end]
        if kind == b"IEND":
            return bytes(out)  # anything after IEND is not part of the image: dropped
        i, first = end, False
    raise _broken("PNG")


def _strip_webp(data: bytes) -> bytes:
    end_of_riff = 8 + int.from_bytes(data[4:8], "little")
    if end_of_riff > len(data):
        raise _broken("WebP")
    chunks, kinds, i = bytearray(), set(), 12
    while i < end_of_riff:
        kind, size = data[i : i + 4], int.from_bytes(data[i + 4 : i + 8], "little")
        end = i + 8 + size + (size & 1)  # chunks are padded to an even length
        if i + 8 > end_of_riff or end > end_of_riff:
            raise _broken("WebP")
        chunk = data[i:end]
        if kind == b"VP8X" and size >= 1:
            chunk = chunk[:8] + bytes([chunk[8] & ~_VP8X_EXIF_AND_XMP_FLAGS & 0xFF]) + chunk[9:]
        if kind not in _WEBP_METADATA:
            chunks += chunk
        kinds.add(kind)
        i = end
    if not kinds & _WEBP_IMAGE:
        raise _broken("WebP")
    return b"RIFF" + (4 + len(chunks)).to_bytes(4, "little") + b"WEBP" + bytes(chunks)


_STRIPPERS = {JPEG: _strip_jpeg, PNG: _strip_png, WEBP: _strip_webp}
