import datetime
import io
import json
import os
import tempfile

import numpy as np

from . import storage

# The squiggle walk (Lee et al., "Squiggle: a user-friendly two-dimensional DNA sequence visualization tool",
# Bioinformatics 2018; method "squiggle" of the squiggle package), implemented here with numpy because the
# package is not available in this environment. Every base advances x by 1 in two half steps; y follows:
#   A: up half a unit and back (a peak)        T: down half a unit and back (a valley)
#   G: up a whole unit in two half steps       C: down a whole unit in two half steps
#   anything else (N, ambiguity codes): flat
# The walk starts at (0, 0), so a sequence of n bases gives 2n + 1 points.
_MID = np.zeros(256)
_END = np.zeros(256)
for _base, _mid, _end in ((b"A", 0.5, 0.0), (b"T", -0.5, 0.0), (b"G", 0.5, 1.0), (b"C", -0.5, -1.0)):
    for _code in (_base[0], _base.lower()[0]):
        _MID[_code] = _mid
        _END[_code] = _end


def read_fasta(data):
    """The bases of every record, headers (">...") and line breaks dropped."""
    return b"".join(line.strip() for line in data.splitlines() if not line.startswith(b">"))


def transform(sequence):
    codes = np.frombuffer(sequence, dtype=np.uint8)
    n = codes.size
    ends = np.cumsum(_END[codes])
    starts = np.concatenate(([0.0], ends[:-1])) if n else ends
    y = np.empty(2 * n + 1)
    y[0] = 0.0
    y[1::2] = starts + _MID[codes]
    y[2::2] = ends
    x = np.arange(2 * n + 1) * 0.5
    return x, y


def _microseconds(delta):
    return delta / datetime.timedelta(microseconds=1)


def handler(event):
    bucket = event["bucket"]["bucket"]
    input_prefix = event["bucket"]["input"]
    output_prefix = event["bucket"]["output"]
    key = event["object"]["key"]
    client = storage.storage.get_instance()

    path = os.path.join(tempfile.mkdtemp(), os.path.basename(key))
    download_begin = datetime.datetime.now()
    client.download(bucket, input_prefix + "/" + key, path)
    download_end = datetime.datetime.now()

    process_begin = datetime.datetime.now()
    with open(path, "rb") as f:
        sequence = read_fasta(f.read())
    x, y = transform(sequence)
    body = json.dumps({"x": x.tolist(), "y": y.tolist()}, separators=(",", ":")).encode("utf-8")
    process_end = datetime.datetime.now()

    upload_begin = datetime.datetime.now()
    out_key = client.upload_stream(bucket, output_prefix + "/" + os.path.splitext(os.path.basename(key))[0] + ".json", io.BytesIO(body))
    upload_end = datetime.datetime.now()
    os.remove(path)

    return {
        "result": {"bucket": bucket, "key": out_key},
        "measurement": {
            "download_time": _microseconds(download_end - download_begin),
            "compute_time": _microseconds(process_end - process_begin),
            # SeBS reports the compute time here; this is the upload's own duration.
            "upload_time": _microseconds(upload_end - upload_begin),
        },
    }
