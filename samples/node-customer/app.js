// The AWS blog's getCustomerFunction: returns a fake customer card, like faker's helpers.createCard().
// Dependency-free (no npm install): the nodejs base image has no npm (see README.md); the data only needs to look real.
const first = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'];
const last = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson'];
const streets = ['Main Street', 'Harbor Lane', 'Oak Avenue', 'Mill Road'];
const cities = ['Springfield', 'Riverton', 'Lakeside', 'Fairview'];

const pick = (items) => items[Math.floor(Math.random() * items.length)];
const digits = (n) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');

function createCard() {
  const name = `${pick(first)} ${pick(last)}`;
  const username = name.toLowerCase().replace(' ', '.');
  return {
    name,
    username,
    email: `${username}@example.com`,
    address: { street: `${digits(3)} ${pick(streets)}`, city: pick(cities), zipcode: digits(5) },
    phone: `${digits(3)}-${digits(3)}-${digits(4)}`,
    website: 'example.com',
    company: { name: `${pick(last)} Ltd` },
  };
}

module.exports.lambdaHandler = async (event, context) => createCard();
