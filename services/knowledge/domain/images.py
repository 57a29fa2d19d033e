"""Image checks by content, not by name: JPEG, PNG or WebP, size- and pixel-limited, re-encoded without metadata."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, JpegImagePlugin

from .errors import ImageRejected

MAX_IMAGE_BYTES = 5 * 1024 * 1024
# A 48-megapixel phone photo fits; a small file that claims to be bigger (a decompression bomb) does not.
# It is below Pillow's own bomb limit (Image.MAX_IMAGE_PIXELS, about 89 million), so nothing accepted here
# ever makes Pillow warn, and what it refuses outright is refused here too.
MAX_IMAGE_PIXELS = 50_000_000
JPEG, PNG, WEBP = "image/jpeg", "image/png", "image/webp"

_PILLOW_FORMAT = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
# What Pillow reads from `info` when it saves and that tells nothing about the person: a PNG's transparent colour.
# Everything else there (EXIF, XMP, ICC profile, comments, text chunks, dpi) is dropped.
_KEPT_INFO = {"transparency"}
_SAVE_OPTIONS: dict[str, dict[str, object]] = {PNG: {}, WEBP: {"quality": 90, "method": 4}}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


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


def clean_image(data: bytes, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS) -> CleanImage:
    """Check an upload is an image we accept and re-encode it upright, without metadata (GPS, camera, comments)."""
    if not data:
        raise ImageRejected("the file is empty")
    if len(data) > max_bytes:
        raise ImageRejected(f"the image is {len(data)} bytes; the limit is {max_bytes} bytes")
    media_type = sniff_media_type(data)
    try:
        with _open(data, media_type, max_pixels) as image:
            image.verify()  # the structure (a PNG's chunk checksums), before anything is decoded
        with _open(data, media_type, max_pixels) as image:  # verify() leaves an image that cannot be decoded
            cleaned = _reencode(image, media_type)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
        raise ImageRejected(f"the image has too many pixels; the limit is {max_pixels} pixels") from bomb
    except Exception as broken:
        # Pillow refuses a broken or truncated file with OSError, SyntaxError or ValueError, but a file made to
        # confuse a decoder can raise others (struct.error, IndexError, EOFError...). Whatever stops Pillow
        # reading the upload is the upload's fault: a refusal, never a 500.
        kind = _PILLOW_FORMAT[media_type]
        raise ImageRejected(f"the file starts like a {kind} image but it is broken or truncated") from broken
    return CleanImage(cleaned, media_type, hashlib.sha256(cleaned).hexdigest())


def sniff_media_type(data: bytes) -> str:
    """The media type the bytes themselves declare, whatever the file was called."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    raise ImageRejected("only JPEG, PNG or WebP images are accepted")


def _open(data: bytes, media_type: str, max_pixels: int) -> Image.Image:
    """Open (not decode) the bytes with the one Pillow reader of their type, refusing too many pixels."""
    image = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMAT[media_type]])
    width, height = image.size
    if width * height > max_pixels:
        image.close()
        raise ImageRejected(f"the image is {width}×{height} pixels; the limit is {max_pixels} pixels")
    return image


def _reencode(image: Image.Image, media_type: str) -> bytes:
    """The first frame, turned as the camera said it was held, in sRGB, saved with no metadata."""
    options = _jpeg_quality(image) if media_type == JPEG else _SAVE_OPTIONS[media_type]
    ImageOps.exif_transpose(image, in_place=True)  # in place: a 50-megapixel photo is not held twice
    upright = _in_srgb(image)
    upright.info = {key: value for key, value in upright.info.items() if key in _KEPT_INFO}
    out = io.BytesIO()
    upright.save(out, _PILLOW_FORMAT[media_type], **options)
    return out.getvalue()


def _jpeg_quality(image: Image.Image) -> dict[str, object]:
    """The upload's own quantisation tables and chroma subsampling, so a re-encoded JPEG keeps its quality."""
    if not isinstance(image, JpegImagePlugin.JpegImageFile) or not image.quantization:
        return {"quality": 90}
    return {"qtables": image.quantization, "subsampling": JpegImagePlugin.get_sampling(image)}


def _in_srgb(image: Image.Image) -> Image.Image:
    """The pixels converted to sRGB through their ICC profile, which is then dropped (it can name the device)."""
    profile = image.info.pop("icc_profile", None)
    if image.mode == "CMYK":
        image = _convert(image, profile, "RGB") if profile else image.convert("RGB")
    elif profile and image.mode in ("RGB", "RGBA"):
        image = _convert(image, profile, image.mode)
    return image


def _convert(image: Image.Image, profile: bytes, mode: str) -> Image.Image:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
    except (OSError, ImageCms.PyCMSError):
        # A profile littlecms cannot read: the colours are shown as they are stored, a little off at worst.
        return image.convert(mode)
    assert converted is not None  # only None when converting in place
    return converted
