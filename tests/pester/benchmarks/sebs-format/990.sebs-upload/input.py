# SeBS-format input generator, written against SeBS's benchmark contract (not modified for Sebs).
import glob
import os

size_generators = {"test": 1, "small": 10, "large": 100}


def buckets_count():
    return (1, 1)


def generate_input(data_dir, size, benchmarks_bucket, input_paths, output_paths, upload_func, nosql_func):
    for path in sorted(glob.glob(os.path.join(data_dir, "*.txt"))):
        upload_func(0, os.path.basename(path), path)
    print("this line goes to the log, not into the payload")
    return {
        "object": {"key": "greeting.txt", "repeat": size_generators[size]},
        "bucket": {"bucket": benchmarks_bucket, "input": input_paths[0], "output": output_paths[0]},
    }


def validate_output(data_dir, input_config, output, language, storage):
    result = output["result"]
    with open(os.path.join(data_dir, input_config["object"]["key"]), "rb") as f:
        expected = f.read() * input_config["object"]["repeat"]
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "sebs-upload-check-%d" % os.getpid())
    storage.download(result["bucket"], result["key"], path)
    with open(path, "rb") as f:
        actual = f.read()
    os.remove(path)
    if actual != expected:
        return "the uploaded object has %d bytes, expected %d" % (len(actual), len(expected))
    return None
