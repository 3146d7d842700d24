import datetime
import random

import igraph


def _microseconds(delta):
    return delta / datetime.timedelta(microseconds=1)


def handler(event):
    """Breadth-first search from vertex 0 of a seeded Barabasi-Albert graph; returns (vertices, layers, parents)."""
    size = int(event["size"])
    # igraph draws from Python's `random` module, so seeding it makes the graph reproducible.
    if "seed" in event:
        # A generator of its own: nothing else in the sandbox process can draw from it between seed and graph.
        igraph.set_random_number_generator(random.Random(event["seed"]))

    start = datetime.datetime.now()
    graph = igraph.Graph.Barabasi(size, 10)
    generated = datetime.datetime.now()
    vertices, layers, parents = graph.bfs(0)
    done = datetime.datetime.now()

    return {
        "result": [list(vertices), list(layers), list(parents)],
        "measurement": {
            "graph_generating_time": _microseconds(generated - start),
            "compute_time": _microseconds(done - generated),
        },
    }
