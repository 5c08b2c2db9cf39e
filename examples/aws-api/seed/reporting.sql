CREATE TABLE IF NOT EXISTS daily_revenue (
  day date PRIMARY KEY,
  orders integer NOT NULL,
  revenue numeric(12, 2) NOT NULL
);
INSERT INTO daily_revenue (day, orders, revenue) VALUES
  ('2026-01-05', 1, 61.50),
  ('2026-01-07', 1, 12.50)
ON CONFLICT (day) DO NOTHING;
