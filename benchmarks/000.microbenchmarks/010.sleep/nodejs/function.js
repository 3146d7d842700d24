// SeBS's Node sleep started a timer and returned at once; this one waits for it.
const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

exports.handler = async function (event) {
  const sleepTime = event.sleep ?? 0;
  await sleep(Number(sleepTime));
  return { result: sleepTime };
};
