"""The MP4 family (M4A, M4B, MP4 video): boxes, the movie's sample tables, the chapter track."""
