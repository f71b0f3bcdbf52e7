"""Frames from a video file or a camera, as RGB arrays with their times (OpenCV: optional)."""
