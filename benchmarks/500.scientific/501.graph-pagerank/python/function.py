import datetime
import random

import igraph


def _microseconds(delta):
    return delta / datetime.timedelta(microseconds=1)


def handler(event):
    """PageRank of a seeded Barabasi-Albert graph; returns the rank of vertex 0."""
    size = int(event["size"])
    # igraph draws from Python's `random` module, so seeding it makes the graph reproducible.
    if "seed" in event:
        # A generator of its own: nothing else in the sandbox process can draw from it between seed and graph.
        igraph.set_random_number_generator(random.Random(event["seed"]))

    start = datetime.datetime.now()
    graph = igraph.Graph.Barabasi(size, 10)
    generated = datetime.datetime.now()
    ranks = graph.pagerank()
    done = datetime.datetime.now()

    return {
        "result": ranks[0],
        "measurement": {
            "graph_generating_time": _microseconds(generated - start),
            "compute_time": _microseconds(done - generated),
        },
    }
