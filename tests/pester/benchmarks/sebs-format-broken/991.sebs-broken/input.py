def buckets_count():
    return (0, 0)


def _load_sizes(size):
    raise ValueError("no input defined for size %r (deliberate failure)" % size)


def generate_input(data_dir, size, benchmarks_bucket, input_paths, output_paths, upload_func, nosql_func):
    return {"sleep": _load_sizes(size)}
