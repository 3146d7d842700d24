import datetime
import random

import igraph


def _microseconds(delta):
    return delta / datetime.timedelta(microseconds=1)


def handler(event):
    """Minimum spanning tree of a seeded Barabasi-Albert graph; returns the tree's edge ids."""
    size = int(event["size"])
    # igraph draws from Python's `random` module, so seeding it makes the graph reproducible.
    if "seed" in event:
        # A generator of its own: nothing else in the sandbox process can draw from it between seed and graph.
        igraph.set_random_number_generator(random.Random(event["seed"]))

    start = datetime.datetime.now()
    graph = igraph.Graph.Barabasi(size, 10)
    generated = datetime.datetime.now()
    # Unweighted, and the edge ids rather than a new graph.
    edges = graph.spanning_tree(None, False)
    done = datetime.datetime.now()

    return {
        "result": list(edges),
        "measurement": {
            "graph_generating_time": _microseconds(generated - start),
            "compute_time": _microseconds(done - generated),
        },
    }
