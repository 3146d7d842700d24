import os
import shutil
import tempfile
import time

from . import storage


def _us(start_ns, end_ns):
    return (end_ns - start_ns) / 1000.0


def _tree_size(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def handler(event):
    bucket = event["bucket"]["bucket"]
    input_prefix = event["bucket"]["input"]
    output_prefix = event["bucket"]["output"]
    key = event["object"]["key"].strip("/")
    name = key.rsplit("/", 1)[-1]

    client = storage.storage.get_instance()
    workdir = tempfile.mkdtemp(prefix="compression-")
    try:
        download_root = os.path.join(workdir, "download")
        t0 = time.perf_counter_ns()
        # Objects land in <download_root>/<full key>; the trailing "/" keeps "dir2/" out of "dir".
        client.download_directory(bucket, input_prefix + "/" + key + "/", download_root)
        t1 = time.perf_counter_ns()
        source = os.path.join(download_root, *(input_prefix + "/" + key).split("/"))
        if not os.path.isdir(source):
            raise FileNotFoundError("no objects under %s/%s/%s/" % (bucket, input_prefix, key))
        download_size = _tree_size(source)

        t2 = time.perf_counter_ns()
        archive = shutil.make_archive(os.path.join(workdir, name), "zip",
                                      root_dir=os.path.dirname(source), base_dir=name)
        t3 = time.perf_counter_ns()
        out_key = client.upload(bucket, output_prefix + "/" + name + ".zip", archive)
        t4 = time.perf_counter_ns()
        upload_size = os.path.getsize(archive)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    return {
        "result": {"bucket": bucket, "key": out_key},
        "measurement": {
            "download_time": _us(t0, t1),
            "download_size": download_size,
            "upload_time": _us(t3, t4),
            "upload_size": upload_size,
            "compute_time": _us(t2, t3),
        },
    }
