CREATE TABLE IF NOT EXISTS places (
  id bigserial PRIMARY KEY,
  name text NOT NULL UNIQUE,
  location geography(Point, 4326) NOT NULL
);
CREATE TABLE IF NOT EXISTS reviews (
  id bigserial PRIMARY KEY,
  place_id bigint NOT NULL REFERENCES places (id),
  stars smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
  body text NOT NULL DEFAULT ''
);
INSERT INTO places (name, location) VALUES
  ('Tempelhofer Feld', ST_GeogFromText('POINT(13.4050 52.4730)')),
  ('Parc des Buttes-Chaumont', ST_GeogFromText('POINT(2.3828 48.8809)'))
ON CONFLICT (name) DO NOTHING;
