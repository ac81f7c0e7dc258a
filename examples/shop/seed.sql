-- Sample data for examples/shop/v1. Plain SQL that PostgreSQL and SQLite both accept: ids are
-- left to the identity columns and looked up by natural keys, booleans are TRUE/FALSE,
-- timestamps are ISO-8601 text. Run once, on a fresh database where v1 was applied:
--   sqlite3 shop.db < examples/shop/seed.sql
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -1 -f examples/shop/seed.sql

INSERT INTO users (email, display_name, is_admin, created_at) VALUES
  ('maria@example.com', 'Maria Garcia', FALSE, '2026-01-10 09:00:00'),
  ('kenji@example.com', 'Kenji Watanabe', FALSE, '2026-01-12 14:30:00'),
  ('amara@example.com', 'Amara Okafor', FALSE, '2026-02-01 08:15:00'),
  ('tom@example.com', 'Tom Becker', FALSE, '2026-02-20 19:45:00'),
  ('admin@example.com', 'Shop Admin', TRUE, '2026-01-01 00:00:00');

INSERT INTO sellers (user_id, shop_name, description, rating, is_verified, created_at) VALUES
  ((SELECT id FROM users WHERE email = 'maria@example.com'), 'Casa Ceramica',
   'Hand-thrown stoneware from Valencia', 4.80, TRUE, '2026-01-11 10:00:00'),
  ((SELECT id FROM users WHERE email = 'kenji@example.com'), 'Kumo Knives',
   'Carbon-steel kitchen knives, sharpened by hand', NULL, FALSE, '2026-01-13 09:00:00');

INSERT INTO categories (parent_id, name, slug) VALUES
  (NULL, 'Home & Kitchen', 'home-kitchen');
INSERT INTO categories (parent_id, name, slug) VALUES
  ((SELECT id FROM categories WHERE slug = 'home-kitchen'), 'Tableware', 'tableware'),
  ((SELECT id FROM categories WHERE slug = 'home-kitchen'), 'Knives', 'knives');

INSERT INTO products (seller_id, category_id, title, description, price, currency, stock, status, created_at, updated_at) VALUES
  ((SELECT id FROM sellers WHERE shop_name = 'Casa Ceramica'), (SELECT id FROM categories WHERE slug = 'tableware'),
   'Speckled dinner plate', '27 cm, dishwasher safe', 32.00, 'USD', 40, 'active', '2026-01-15 10:00:00', '2026-01-15 10:00:00'),
  ((SELECT id FROM sellers WHERE shop_name = 'Casa Ceramica'), (SELECT id FROM categories WHERE slug = 'tableware'),
   'Espresso cups, set of 4', NULL, 45.50, 'USD', 0, 'sold_out', '2026-01-15 10:05:00', '2026-03-02 12:00:00'),
  ((SELECT id FROM sellers WHERE shop_name = 'Kumo Knives'), (SELECT id FROM categories WHERE slug = 'knives'),
   'Gyuto 210 mm', 'Aogami #2 core, walnut handle', 189.00, 'USD', 6, 'active', '2026-01-20 08:00:00', '2026-01-20 08:00:00'),
  ((SELECT id FROM sellers WHERE shop_name = 'Kumo Knives'), NULL,
   'Whetstone 1000/6000', NULL, 39.90, 'USD', 12, 'draft', '2026-02-05 16:00:00', '2026-02-05 16:00:00');

INSERT INTO orders (buyer_id, status, total, currency, shipping_address, placed_at, shipped_at, delivered_at) VALUES
  ((SELECT id FROM users WHERE email = 'amara@example.com'), 'delivered', 253.00, 'USD',
   '12 Marina Road, Lagos', '2026-03-01 11:00:00', '2026-03-02 09:00:00', '2026-03-06 15:30:00'),
  ((SELECT id FROM users WHERE email = 'tom@example.com'), 'paid', 91.00, 'USD',
   'Torstrasse 5, 10119 Berlin', '2026-03-05 20:10:00', NULL, NULL),
  ((SELECT id FROM users WHERE email = 'amara@example.com'), 'canceled', 189.00, 'USD',
   '12 Marina Road, Lagos', '2026-03-07 07:45:00', NULL, NULL);

INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES
  ((SELECT id FROM orders WHERE placed_at = '2026-03-01 11:00:00'),
   (SELECT id FROM products WHERE title = 'Speckled dinner plate'), 2, 32.00),
  ((SELECT id FROM orders WHERE placed_at = '2026-03-01 11:00:00'),
   (SELECT id FROM products WHERE title = 'Gyuto 210 mm'), 1, 189.00),
  ((SELECT id FROM orders WHERE placed_at = '2026-03-05 20:10:00'),
   (SELECT id FROM products WHERE title = 'Espresso cups, set of 4'), 2, 45.50),
  ((SELECT id FROM orders WHERE placed_at = '2026-03-07 07:45:00'),
   (SELECT id FROM products WHERE title = 'Gyuto 210 mm'), 1, 189.00);

INSERT INTO reviews (product_id, author_id, rating, body, created_at) VALUES
  ((SELECT id FROM products WHERE title = 'Speckled dinner plate'),
   (SELECT id FROM users WHERE email = 'amara@example.com'), 5, 'Beautiful glaze, arrived well packed.', '2026-03-08 18:00:00'),
  ((SELECT id FROM products WHERE title = 'Gyuto 210 mm'),
   (SELECT id FROM users WHERE email = 'amara@example.com'), 4, 'Very sharp. Needs oiling after use.', '2026-03-09 10:20:00'),
  ((SELECT id FROM products WHERE title = 'Espresso cups, set of 4'),
   (SELECT id FROM users WHERE email = 'tom@example.com'), 3, NULL, '2026-03-20 09:00:00');
