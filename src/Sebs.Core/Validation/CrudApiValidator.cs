using System.Text.Json.Nodes;

namespace Sebs.Core.Validation;

/// <summary>
/// 130.crud-api: replays the payload's requests against a model of the cart (the four seeded items in
/// <c>seeded_cart</c>, items PUT by earlier requests) and checks every response exactly: GET /cart/{id} returns the
/// item with its keys, GET /cart the product names by product id, total_cost = Σ price × quantity and
/// avg_price = total_cost / Σ quantity, PUT returns {}.
/// Repetitions send the same payload, and PUT is an upsert: a cart may already hold items this payload PUTs later
/// (from an earlier invocation). So a GET /cart must list every item PUT so far plus only items the payload PUTs to
/// that cart, and its sums must match exactly the items it lists.
/// </summary>
public sealed class CrudApiValidator : IOutputValidator
{
    public string Benchmark => "130.crud-api";

    private sealed record Item(string ProductId, string Name, double Price, double Quantity);

    private static readonly Item[] Seeded =
    {
        new("game-gothic", "Gothic Game", 42, 2),
        new("game-gothic-2", "Gothic 2", 142, 3),
        new("seBS-benchmark", "SeBS Benchmark", 1000, 1),
        new("mint-linux", "Mint Linux", 0, 5),
    };

    public Task<string?> ValidateAsync(ValidationContext context, CancellationToken cancellationToken) =>
        Task.FromResult(Validate(context.Payload, context.Output));

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(b));

    private static double? Number(JsonNode? n) =>
        n is JsonValue v && double.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null;

    private static string? Text(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static Item ItemOf(JsonNode body) =>
        new(Text(body["product_id"]) ?? "", Text(body["name"]) ?? "", Number(body["price"]) ?? 0, Number(body["quantity"]) ?? 0);

    public static string? Validate(JsonObject payload, JsonNode? output)
    {
        if (payload["requests"] is not JsonArray requests) return "the payload has no 'requests'";
        if (output?["result"] is not JsonArray responses) return "the output has no 'result' list";
        if (responses.Count != requests.Count) return $"{responses.Count} responses for {requests.Count} requests";
        var seeded = Text(payload["seeded_cart"]);
        var carts = new Dictionary<string, SortedDictionary<string, Item>>(StringComparer.Ordinal);
        // Everything the payload PUTs, per cart: what earlier invocations of this same payload may have left there.
        var later = new Dictionary<string, Dictionary<string, Item>>(StringComparer.Ordinal);
        foreach (var r in requests)
            if (Text(r?["route"]) == "PUT /cart" && r?["body"] is JsonObject pb)
            {
                var cart = Text(pb["cart"]) ?? "";
                if (!later.TryGetValue(cart, out var l)) later[cart] = l = new Dictionary<string, Item>(StringComparer.Ordinal);
                var it = ItemOf(pb);
                l[it.ProductId] = it;
            }
        Item? Possible(string cart, string id) =>
            Cart(cart).TryGetValue(id, out var i) ? i : later.TryGetValue(cart, out var l) && l.TryGetValue(id, out var j) ? j : null;
        SortedDictionary<string, Item> Cart(string id)
        {
            if (carts.TryGetValue(id, out var c)) return c;
            c = new SortedDictionary<string, Item>(StringComparer.Ordinal);
            if (id == seeded) foreach (var i in Seeded) c[i.ProductId] = i;
            return carts[id] = c;
        }

        for (var n = 0; n < requests.Count; n++)
        {
            var request = requests[n];
            var response = responses[n];
            var route = Text(request?["route"]);
            var cartId = Text(request?["body"]?["cart"]) ?? "";
            var where = $"response {n} ({route})";
            switch (route)
            {
                case "PUT /cart":
                {
                    var item = ItemOf(request!["body"]!);
                    Cart(cartId)[item.ProductId] = item;
                    if (response is not JsonObject { Count: 0 }) return $"{where} is {response?.ToJsonString() ?? "null"}, expected {{}}";
                    break;
                }
                case "GET /cart/{id}":
                {
                    var id = Text(request?["path"]?["id"]) ?? "";
                    if (Possible(cartId, id) is not { } expected)
                    {
                        if (response is not null) return $"{where}: the cart has no item '{id}' but the function returned {response.ToJsonString()}";
                        break;
                    }
                    // Only an earlier invocation could have put it there; absent is fine as well.
                    if (response is null && !Cart(cartId).ContainsKey(id)) break;
                    if (response is not JsonObject got) return $"{where}: expected the item '{id}', got {response?.ToJsonString() ?? "null"}";
                    if (Text(got["cart_id"]) != cartId) return $"{where}: cart_id is {got["cart_id"]?.ToJsonString()}, expected \"{cartId}\"";
                    if (Text(got["product_id"]) != id) return $"{where}: product_id is {got["product_id"]?.ToJsonString()}, expected \"{id}\"";
                    if (Text(got["name"]) != expected.Name) return $"{where}: name is {got["name"]?.ToJsonString()}, expected \"{expected.Name}\"";
                    if (Number(got["price"]) is not { } p || !Close(p, expected.Price)) return $"{where}: price is {got["price"]?.ToJsonString()}, expected {expected.Price}";
                    if (Number(got["quantity"]) is not { } q || !Close(q, expected.Quantity)) return $"{where}: quantity is {got["quantity"]?.ToJsonString()}, expected {expected.Quantity}";
                    if (got.Count != 5) return $"{where}: the item has attributes {string.Join(", ", got.Select(kv => kv.Key))}, expected cart_id, product_id, name, price, quantity";
                    break;
                }
                case "GET /cart":
                {
                    var gotNames = (response?["products"] as JsonArray)?.Select(Text).ToList();
                    if (gotNames is null) return $"{where}: the response has no 'products' list: {response?.ToJsonString() ?? "null"}";
                    var must = Cart(cartId).Values.ToList();
                    var may = must.Concat(later.TryGetValue(cartId, out var l) ? l.Values.Where(i => !Cart(cartId).ContainsKey(i.ProductId)) : Enumerable.Empty<Item>())
                        .OrderBy(i => i.ProductId, StringComparer.Ordinal).ToList();
                    // The listed items in product-id order: every item of the cart, and only items that may be there.
                    var items = may.Where(i => must.Contains(i) || gotNames.Contains(i.Name)).ToList();
                    var names = items.Select(i => i.Name).ToList();
                    if (!gotNames.SequenceEqual(names))
                        return $"{where}: products are {response?["products"]?.ToJsonString()}, expected [{string.Join(", ", names.Select(x => $"\"{x}\""))}]" +
                               (may.Count > must.Count ? $" (items of later PUTs may appear too: {string.Join(", ", may.Except(must).Select(i => i.Name))})" : "");
                    var total = items.Sum(i => i.Price * i.Quantity);
                    var count = items.Sum(i => i.Quantity);
                    var avg = count > 0 ? total / count : 0.0;
                    if (Number(response?["total_cost"]) is not { } t || !Close(t, total))
                        return $"{where}: total_cost is {response?["total_cost"]?.ToJsonString() ?? "missing"}, expected {total}";
                    if (Number(response?["avg_price"]) is not { } a || !Close(a, avg))
                        return $"{where}: avg_price is {response?["avg_price"]?.ToJsonString() ?? "missing"}, expected {avg}";
                    break;
                }
                default:
                    return $"request {n} has the unknown route '{route}'";
            }
        }
        return null;
    }
}
