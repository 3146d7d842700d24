#!/usr/bin/env bash
# Writes a synthetic stand-in for SeBS's city.mp4 (not in the shared data set): <data root>/200.multimedia/220.video-processing/city.mp4.
#   make-test-video.sh <data root> [seconds] [run image]
# Uses ffmpeg from PATH, else the one in the offline Python run image (docker, no network).
# Output: H.264 (yuv420p) 640x360, 25 fps, with a moving test pattern and a sine tone; a few hundred kB.
set -euo pipefail
root=${1:?usage: make-test-video.sh <data root> [seconds] [run image]}
seconds=${2:-5}
image=${3:-sebs/run.local.python:3.11}
dir="$root/200.multimedia/220.video-processing"
mkdir -p "$dir"
args=(-hide_banner -loglevel error -y
      -f lavfi -i "testsrc2=size=640x360:rate=25:duration=$seconds"
      -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=$seconds"
      -c:v libx264 -pix_fmt yuv420p -preset veryfast -c:a aac -shortest -movflags +faststart)
if command -v ffmpeg >/dev/null 2>&1; then
  ffmpeg "${args[@]}" "$dir/city.mp4"
else
  dir=$(cd "$dir" && pwd)
  docker run --rm --network none --user "$(id -u):$(id -g)" -v "$dir:/out" "$image" ffmpeg "${args[@]}" /out/city.mp4
fi
echo "$dir/city.mp4"
