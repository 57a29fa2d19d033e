import hashlib

import pytest

from services.knowledge.domain.errors import ImageRejected
from services.knowledge.domain.images import JPEG, PNG, WEBP, clean_image

from .image_bytes import GPS_RATIONALS, exif_with_gps, jpeg_with_gps, png, png_chunk, webp_with_metadata


def test_a_non_image_renamed_png_is_refused():
    upload = {"filename": "barrier-photo.png", "data": b"<html><script>alert(1)</script></html>"}

    with pytest.raises(ImageRejected) as refused:
        clean_image(upload["data"])

    assert refused.value.field == "image"


def test_an_oversized_image_is_refused():
    oversized = png(png_chunk(b"tEXt", b"Comment\x00" + bytes(2_000)))

    with pytest.raises(ImageRejected) as refused:
        clean_image(oversized, max_bytes=1_000)

    assert "limit is 1000 bytes" in refused.value.message


def test_gps_exif_is_stripped_from_a_jpeg():
    upload = jpeg_with_gps()

    image = clean_image(upload)

    assert image.media_type == JPEG
    assert GPS_RATIONALS not in image.data and b"Exif" not in image.data and b"Acacia" not in image.data
    assert image.data.startswith(b"\xff\xd8\xff\xe0") and image.data.endswith(b"\x8a\x28\xa2\x80\xff\xd9")
    assert clean_image(image.data).data == image.data


def test_text_and_exif_chunks_are_stripped_from_a_png():
    upload = png(png_chunk(b"eXIf", exif_with_gps()), png_chunk(b"tEXt", b"Comment\x00taken at home"))

    image = clean_image(upload)

    assert (image.media_type, image.data) == (PNG, png())


def test_exif_and_xmp_are_stripped_from_a_webp_and_its_header_no_longer_announces_them():
    upload = webp_with_metadata()

    image = clean_image(upload)

    assert image.media_type == WEBP
    assert GPS_RATIONALS not in image.data and b"xmpmeta" not in image.data
    assert image.data[20] & 0x0C == 0
    assert int.from_bytes(image.data[4:8], "little") == len(image.data) - 8


def test_a_png_with_a_corrupted_chunk_is_refused():
    corrupted = bytearray(png())
    corrupted[20] ^= 0xFF

    with pytest.raises(ImageRejected):
        clean_image(bytes(corrupted))


def test_a_truncated_jpeg_is_refused():
    with pytest.raises(ImageRejected):
        clean_image(jpeg_with_gps()[:30])


def test_the_content_hash_is_the_sha256_of_the_cleaned_bytes():
    image = clean_image(png(png_chunk(b"tEXt", b"Author\x00Alice")))

    assert (image.sha256, image.size) == (hashlib.sha256(png()).hexdigest(), len(png()))
