"""Reading human outlines: timecodes, inline Markdown, lines and documents."""
