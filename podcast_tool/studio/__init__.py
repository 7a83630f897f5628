"""The studio: check and correct the chapters by ear, in the browser.

``session`` holds the recording and its chapters (no HTTP), ``server`` is the Starlette app in
front of it, ``peaks`` draws the waveform's data from one decode, ``outline_edit`` and ``saving``
write the corrections back. The page itself is ``static/`` (with a vendored wavesurfer.js).
"""
