const fs = require('fs');
const path = require('path');
const Mustache = require('mustache');

const templatePath = path.join(__dirname, 'templates', 'template.html');
let template = null;

function randomNumbers(count) {
  // Distinct numbers, like Python's random.sample over 0..1e6.
  const seen = new Set();
  while (seen.size < count) seen.add(Math.floor(Math.random() * 1000000));
  return Array.from(seen);
}

exports.handler = async function (event) {
  if (template === null) template = fs.readFileSync(templatePath, 'utf-8');
  const html = Mustache.render(template, {
    username: event.username,
    cur_time: new Date().toLocaleString(),
    random_numbers: randomNumbers(Number(event.random_len)),
  });
  return { result: html };
};
