exports.handler = async function (event) {
  if (event.fail) throw new Error('asked to fail');
  await new Promise((resolve) => setTimeout(resolve, Number(event.sleep || 0) * 1000));
  return { result: 'ok' };
};
