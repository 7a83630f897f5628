"""ID3v2 chapters: MP3 files, WAV files (an ``id3 `` chunk) and the guard that walks a tag first."""
