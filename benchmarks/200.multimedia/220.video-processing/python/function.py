import os
import shutil
import subprocess
import tempfile
import time

from . import storage

RESOURCES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "resources")


def _us(start_ns, end_ns):
    return (end_ns - start_ns) / 1000.0


def _ffmpeg():
    # SeBS downloaded a static ffmpeg at build time; here it comes from PATH (Debian's ffmpeg in the run image)
    # or from SEBS_FFMPEG.
    path = os.environ.get("SEBS_FFMPEG") or shutil.which("ffmpeg")
    if not path:
        raise RuntimeError("ffmpeg is not on PATH (install Debian's ffmpeg in the run image or set SEBS_FFMPEG)")
    return path


def _run(args):
    proc = subprocess.run([_ffmpeg(), "-hide_banner", "-loglevel", "error", "-y"] + args,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise RuntimeError("ffmpeg failed (%d): %s" % (proc.returncode, proc.stderr.decode(errors="replace")[-2000:]))


def watermark(src, duration, workdir):
    out = os.path.join(workdir, "processed-" + os.path.basename(src))
    mark = os.path.join(RESOURCES, "watermark.png")
    _run(["-i", src, "-i", mark, "-t", str(duration),
          "-filter_complex", "[0:v][1:v]overlay=W-w-10:H-h-10:format=auto",
          "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "veryfast", "-c:a", "copy",
          "-movflags", "+faststart", out])
    return out


def extract_gif(src, duration, workdir):
    stem = os.path.splitext(os.path.basename(src))[0]
    out = os.path.join(workdir, "processed-" + stem + ".gif")
    _run(["-t", str(duration), "-i", src,
          "-filter_complex", "fps=10,scale=320:-1:flags=lanczos,split[a][b];[a]palettegen[p];[b][p]paletteuse",
          out])
    return out


OPERATIONS = {"watermark": watermark, "extract-gif": extract_gif}


def handler(event):
    bucket = event["bucket"]["bucket"]
    input_prefix = event["bucket"]["input"]
    output_prefix = event["bucket"]["output"]
    key = event["object"]["key"]
    op = event["object"]["op"]
    duration = event["object"]["duration"]
    if op not in OPERATIONS:
        raise ValueError("unknown operation %r; valid: %s" % (op, ", ".join(sorted(OPERATIONS))))

    client = storage.storage.get_instance()
    workdir = tempfile.mkdtemp(prefix="video-")
    try:
        src = os.path.join(workdir, os.path.basename(key))
        t0 = time.perf_counter_ns()
        client.download(bucket, input_prefix + "/" + key, src)
        t1 = time.perf_counter_ns()
        out = OPERATIONS[op](src, duration, workdir)
        t2 = time.perf_counter_ns()
        out_key = client.upload(bucket, output_prefix + "/" + os.path.basename(out), out)
        t3 = time.perf_counter_ns()
        download_size = os.path.getsize(src)
        upload_size = os.path.getsize(out)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    return {
        "result": {"bucket": bucket, "key": out_key},
        "measurement": {
            "download_time": _us(t0, t1),
            "download_size": download_size,
            "upload_time": _us(t2, t3),
            "upload_size": upload_size,
            "compute_time": _us(t1, t2),
        },
    }
