"""130.crud-api: a shopping cart kept in the NoSQL table shopping_cart (cart_id, product_id)."""
from . import nosql

TABLE = "shopping_cart"
store = nosql.nosql.get_instance()


def put_item(body):
    store.insert(TABLE, ("cart_id", body["cart"]), ("product_id", body["product_id"]),
                 {"name": body["name"], "price": body["price"], "quantity": body["quantity"]})
    return {}


def get_item(body, path):
    return store.get(TABLE, ("cart_id", body["cart"]), ("product_id", path["id"]))


def summarize(body):
    items = store.query(TABLE, ("cart_id", body["cart"]), "product_id")
    names = [item["name"] for item in items]
    total = sum(item["price"] * item["quantity"] for item in items)
    count = sum(item["quantity"] for item in items)
    return {"products": names, "total_cost": total, "avg_price": total / count if count else 0.0}


def handler(event):
    responses = []
    for request in event.get("requests", []):
        route, body = request["route"], request.get("body", {})
        if route == "PUT /cart":
            responses.append(put_item(body))
        elif route == "GET /cart/{id}":
            responses.append(get_item(body, request.get("path", {})))
        elif route == "GET /cart":
            responses.append(summarize(body))
        else:
            raise ValueError("unknown route %r" % route)
    return {"result": responses}
