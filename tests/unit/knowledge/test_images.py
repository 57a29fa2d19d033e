import hashlib
import io

import pytest
from PIL import Image

from services.knowledge.domain.errors import ImageRejected
from services.knowledge.domain.images import JPEG, PNG, WEBP, clean_image

from .image_bytes import (
    BLUE,
    COMMENT,
    GPS_RATIONALS,
    ORANGE,
    exif_with_gps,
    jpeg_with_gps,
    png,
    png_chunk,
    png_claiming,
    saved,
    sideways_jpeg,
    webp_with_metadata,
)


def reopened(data: bytes) -> Image.Image:
    """The stored bytes as an image viewer would open them."""
    return Image.open(io.BytesIO(data))


def close_to(colour: tuple[int, ...], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 24 for a, b in zip(colour, expected, strict=True))


def test_a_non_image_renamed_png_is_refused():
    upload = {"filename": "barrier-photo.png", "data": b"<html><script>alert(1)</script></html>"}

    with pytest.raises(ImageRejected) as refused:
        clean_image(upload["data"])

    assert refused.value.field == "image"


def test_a_gif_is_refused_though_pillow_could_read_it():
    upload = saved(Image.new("RGB", (4, 4), ORANGE), "GIF")

    with pytest.raises(ImageRejected) as refused:
        clean_image(upload)

    assert "only JPEG, PNG or WebP" in refused.value.message


def test_an_oversized_image_is_refused():
    oversized = png(png_chunk(b"tEXt", b"Comment\x00" + bytes(2_000)))

    with pytest.raises(ImageRejected) as refused:
        clean_image(oversized, max_bytes=1_000)

    assert "limit is 1000 bytes" in refused.value.message


def test_gps_location_camera_profile_and_comments_are_gone_from_a_stored_jpeg():
    upload = jpeg_with_gps()

    image = clean_image(upload)

    assert image.media_type == JPEG
    assert GPS_RATIONALS not in image.data and b"Exif" not in image.data and COMMENT not in image.data
    assert b"xmpmeta" not in image.data and b"ICC_PROFILE" not in image.data
    stored = reopened(image.data)
    assert (stored.format, stored.size) == ("JPEG", (16, 12))
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(stored.info)
    assert close_to(stored.getpixel((8, 6)), ORANGE)


def test_text_and_exif_chunks_are_gone_from_a_stored_png():
    upload = png(png_chunk(b"eXIf", exif_with_gps()), png_chunk(b"tEXt", b"Comment\x00taken at home"))

    image = clean_image(upload)

    assert image.media_type == PNG
    assert GPS_RATIONALS not in image.data and b"taken at home" not in image.data
    assert b"eXIf" not in image.data and b"tEXt" not in image.data
    assert reopened(image.data).getpixel((0, 0)) == 0x7F


def test_exif_xmp_and_the_colour_profile_are_gone_from_a_stored_webp():
    upload = webp_with_metadata()

    image = clean_image(upload)

    assert image.media_type == WEBP
    assert GPS_RATIONALS not in image.data and b"xmpmeta" not in image.data
    stored = reopened(image.data)
    assert stored.format == "WEBP" and not {"exif", "xmp", "icc_profile"} & set(stored.info)
    assert close_to(stored.getpixel((8, 6)), ORANGE)


def test_a_sideways_phone_photo_is_stored_upright():
    upload = sideways_jpeg()

    image = clean_image(upload)

    stored = reopened(image.data)
    assert stored.size == (16, 32) and "exif" not in stored.info
    assert close_to(stored.getpixel((8, 4)), ORANGE) and close_to(stored.getpixel((8, 28)), BLUE)


@pytest.mark.parametrize("width, height", [(10_000, 6_000), (20_000, 20_000)], ids=["over our cap", "a bomb"])
def test_a_decompression_bomb_is_refused_before_it_is_decoded(width, height):
    bomb = png_claiming(width, height)  # its pixel data could not even be decoded: refused before it is tried

    with pytest.raises(ImageRejected) as refused:
        clean_image(bomb)

    assert refused.value.field == "image" and "pixels" in refused.value.message


def test_an_image_with_more_pixels_than_the_limit_given_is_refused():
    with pytest.raises(ImageRejected) as refused:
        clean_image(jpeg_with_gps(), max_pixels=100)

    assert "16×12 pixels; the limit is 100 pixels" in refused.value.message


def test_a_png_with_a_corrupted_chunk_is_refused():
    corrupted = bytearray(png())
    corrupted[20] ^= 0xFF

    with pytest.raises(ImageRejected):
        clean_image(bytes(corrupted))


@pytest.mark.parametrize("keep", [30, 0.5, 0.9], ids=["its header", "half", "most"])
def test_a_truncated_jpeg_is_refused(keep):
    upload = jpeg_with_gps()
    truncated = upload[: keep if isinstance(keep, int) else int(len(upload) * keep)]

    with pytest.raises(ImageRejected) as refused:
        clean_image(truncated)

    assert refused.value.field == "image"


def test_two_uploads_differing_only_in_metadata_are_stored_as_the_same_photo():
    with_metadata, without = clean_image(png(png_chunk(b"tEXt", b"Author\x00Alice"))), clean_image(png())

    assert with_metadata.sha256 == without.sha256 == hashlib.sha256(without.data).hexdigest()
    assert with_metadata.size == len(without.data)


def test_cleaning_a_stored_png_again_changes_nothing():
    image = clean_image(png(png_chunk(b"tEXt", b"Author\x00Alice")))

    assert clean_image(image.data).data == image.data


def test_a_photo_with_an_unreadable_colour_profile_is_stored_without_it():
    upload = saved(Image.new("CMYK", (16, 12), (0, 100, 200, 0)), "JPEG", icc_profile=b"not a profile" * 20)

    image = clean_image(upload)

    stored = reopened(image.data)
    assert (stored.mode, stored.size) == ("RGB", (16, 12)) and b"not a profile" not in image.data
