using System.Text.Json.Nodes;
using Sebs.Core.Validation;
using Xunit;

namespace Sebs.Tests.NoSql;

public sealed class CrudApiValidatorTests
{
    private static JsonObject Payload(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void Checks_the_seeded_cart_exactly()
    {
        var p = Payload("""{"seeded_cart":"c","requests":[{"route":"GET /cart","body":{"cart":"c"}},{"route":"GET /cart/{id}","path":{"id":"game-gothic"},"body":{"cart":"c"}}]}""");
        var good = JsonNode.Parse("""{"result":[{"products":["Gothic Game","Gothic 2","Mint Linux","SeBS Benchmark"],"total_cost":1510,"avg_price":137.27272727272728},{"cart_id":"c","product_id":"game-gothic","name":"Gothic Game","price":42,"quantity":2}]}""");
        Assert.Null(CrudApiValidator.Validate(p, good));
        var wrongTotal = JsonNode.Parse(good!.ToJsonString().Replace("1510", "1511"));
        Assert.Contains("total_cost", CrudApiValidator.Validate(p, wrongTotal));
        var wrongItem = JsonNode.Parse(good.ToJsonString().Replace("\"price\":42", "\"price\":41"));
        Assert.Contains("price", CrudApiValidator.Validate(p, wrongItem));
    }

    [Fact]
    public void A_fresh_cart_grows_with_each_put_and_may_hold_items_from_an_earlier_repetition()
    {
        var p = Payload("""{"seeded_cart":"c","requests":[{"route":"PUT /cart","body":{"cart":"f","product_id":"new-id-0","name":"A","price":10,"quantity":1}},{"route":"GET /cart","body":{"cart":"f"}},{"route":"PUT /cart","body":{"cart":"f","product_id":"new-id-1","name":"B","price":20,"quantity":2}},{"route":"GET /cart","body":{"cart":"f"}}]}""");
        Assert.Null(CrudApiValidator.Validate(p, JsonNode.Parse("""{"result":[{},{"products":["A"],"total_cost":10,"avg_price":10},{},{"products":["A","B"],"total_cost":50,"avg_price":16.666666666666668}]}""")));
        Assert.Null(CrudApiValidator.Validate(p, JsonNode.Parse("""{"result":[{},{"products":["A","B"],"total_cost":50,"avg_price":16.666666666666668},{},{"products":["A","B"],"total_cost":50,"avg_price":16.666666666666668}]}""")));
        Assert.NotNull(CrudApiValidator.Validate(p, JsonNode.Parse("""{"result":[{},{"products":[],"total_cost":0,"avg_price":0},{},{"products":["A","B"],"total_cost":50,"avg_price":16.666666666666668}]}""")));
        Assert.NotNull(CrudApiValidator.Validate(p, JsonNode.Parse("""{"result":[{},{"products":["A","Z"],"total_cost":10,"avg_price":10},{},{"products":["A","B"],"total_cost":50,"avg_price":16.666666666666668}]}""")));
        Assert.NotNull(CrudApiValidator.Validate(p, JsonNode.Parse("""{"result":[{},{"products":["A"],"total_cost":10,"avg_price":10}]}""")));
    }
}
