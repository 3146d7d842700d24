'use strict';
// 130.crud-api: a shopping cart kept in the NoSQL table shopping_cart (cart_id, product_id).
const { nosql } = require('./nosql');

const TABLE = 'shopping_cart';

async function putItem(store, body) {
  await store.insert(TABLE, ['cart_id', body.cart], ['product_id', body.product_id],
    { name: body.name, price: body.price, quantity: body.quantity });
  return {};
}

async function getItem(store, body, path) {
  return store.get(TABLE, ['cart_id', body.cart], ['product_id', path.id]);
}

async function summarize(store, body) {
  const items = await store.query(TABLE, ['cart_id', body.cart], 'product_id');
  const total = items.reduce((sum, item) => sum + item.price * item.quantity, 0);
  const count = items.reduce((sum, item) => sum + item.quantity, 0);
  return { products: items.map((item) => item.name), total_cost: total, avg_price: count ? total / count : 0.0 };
}

exports.handler = async (event) => {
  const store = nosql.get_instance();
  const responses = [];
  for (const request of event.requests || []) {
    const body = request.body || {};
    switch (request.route) {
      case 'PUT /cart': responses.push(await putItem(store, body)); break;
      case 'GET /cart/{id}': responses.push(await getItem(store, body, request.path || {})); break;
      case 'GET /cart': responses.push(await summarize(store, body)); break;
      default: throw new Error(`unknown route ${request.route}`);
    }
  }
  return { result: responses };
};
