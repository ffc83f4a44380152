"""What kind of file was sent, told by its first bytes (docs/domain.md V3).

A file's name and the type the browser claims are the sender's to choose, so neither is
believed: the content's own signature decides, and anything else is refused. The type found
is what the file is served back with.
"""

PHOTO_TYPES = ("image/jpeg", "image/png")
DRAWING_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
VOICE_TYPES = ("audio/mpeg", "audio/mp4", "audio/wav", "audio/ogg", "audio/webm")


def content_type(content: bytes) -> str | None:
    """The type these bytes begin like, among the pictures and sounds accepted anywhere; else None."""
    head = content[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head[4:8] == b"ftyp":
        return "audio/mp4"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "audio/webm"
    return None
