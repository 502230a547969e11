-- 0001_initial.sql — the initial ShopLook schema (PostgreSQL 15).
--
-- Applied by the project's migrator inside ONE transaction together with its schema_migrations row:
-- no BEGIN/COMMIT here, nothing that cannot run in a transaction block (CREATE INDEX CONCURRENTLY).
-- Names are unqualified: objects are created in the first schema of the connection's search_path.
--
-- Conventions
-- * Ids are deterministic so that every pipeline write is an idempotent upsert:
--   image_id = SHA-256 of the image bytes, article_id = SHA-256 of (image_id, super_category, ordinal,
--   detector version) — both 64 lowercase hex characters.
-- * Boxes are pixel coordinates in the original (EXIF-rotated) image: x0,y0 top-left, x1,y1 bottom-right.
-- * Vectors are bytea of little-endian float32 (4 * dim bytes), never a vector extension.
-- * Every timestamp is timestamptz.

-- Keeps updated_at current on real changes only: a replayed (identical) upsert leaves it as it was.
CREATE FUNCTION shoplook_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION shoplook_touch_updated_at() IS
    'BEFORE UPDATE trigger: sets updated_at = now() when the row actually changed.';

-- ---------------------------------------------------------------------------------------------------------
-- Catalog

CREATE TABLE products (
    product_id     text        PRIMARY KEY CHECK (product_id <> '' AND length(product_id) <= 200),
    title          text        CHECK (length(title) <= 2000),
    url            text        CHECK (url <> ''),
    category       text        CHECK (category <> ''),
    super_category text        CHECK (super_category IN ('upper', 'lower', 'foot')),
    metadata       jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_category_idx ON products (super_category, category);
CREATE TRIGGER products_touch_updated_at BEFORE UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION shoplook_touch_updated_at();
COMMENT ON TABLE products IS 'Catalog products; a product has one or more images (product_images).';
COMMENT ON COLUMN products.product_id IS 'The catalog''s own id (opaque text).';
COMMENT ON COLUMN products.category IS 'Fine category from the catalog, e.g. t-shirt, skirt, sneakers.';
COMMENT ON COLUMN products.super_category IS 'upper, lower or foot; NULL when the catalog does not say.';
COMMENT ON COLUMN products.metadata IS 'Free-form catalog attributes (a JSON object).';

CREATE TABLE images (
    image_id     text        PRIMARY KEY CHECK (image_id ~ '^[0-9a-f]{64}$'),
    blob_key     text        NOT NULL CHECK (blob_key <> ''),
    source       text        NOT NULL CHECK (source IN ('catalog', 'query')),
    byte_size    bigint      NOT NULL CHECK (byte_size > 0),
    width        int         CHECK (width > 0),
    height       int         CHECK (height > 0),
    state        text        NOT NULL DEFAULT 'new'
                             CHECK (state IN ('new', 'pose_filtered', 'cropped', 'embedded', 'rejected', 'dead_lettered')),
    state_reason text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT images_dimensions_together CHECK ((width IS NULL) = (height IS NULL)),
    CONSTRAINT images_terminal_failure_has_reason
        CHECK (state NOT IN ('rejected', 'dead_lettered') OR state_reason IS NOT NULL)
);
CREATE INDEX images_state_idx ON images (state);
CREATE TRIGGER images_touch_updated_at BEFORE UPDATE ON images
    FOR EACH ROW EXECUTE FUNCTION shoplook_touch_updated_at();
COMMENT ON TABLE images IS 'Every image the system has seen, catalog or shopper query; bytes live in the blob store.';
COMMENT ON COLUMN images.image_id IS 'SHA-256 of the image bytes, 64 lowercase hex: the same upload twice is one image.';
COMMENT ON COLUMN images.blob_key IS 'Key of the bytes in the content-addressed blob store (claim check).';
COMMENT ON COLUMN images.width IS 'Pixels after decoding; NULL until the image has been decoded (with height).';
COMMENT ON COLUMN images.state IS
    'Pipeline progress: new -> pose_filtered -> cropped -> embedded, or the terminal rejected / dead_lettered.';
COMMENT ON COLUMN images.state_reason IS 'Why the image was rejected or dead-lettered (required for those states).';

CREATE TABLE product_images (
    product_id    text        NOT NULL REFERENCES products (product_id) ON DELETE CASCADE,
    image_id      text        NOT NULL REFERENCES images (image_id) ON DELETE CASCADE,
    category_hint text        CHECK (category_hint <> ''),
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (product_id, image_id)
);
CREATE INDEX product_images_image_idx ON product_images (image_id);
COMMENT ON TABLE product_images IS 'Which images show which product (many-to-many: catalogs reuse photos).';
COMMENT ON COLUMN product_images.category_hint IS
    'Category the catalog gives for this photo; guides product-only photos (one article, no person).';

-- ---------------------------------------------------------------------------------------------------------
-- Pipeline results

CREATE TABLE pose_results (
    image_id      text        PRIMARY KEY REFERENCES images (image_id) ON DELETE CASCADE,
    model_version text        NOT NULL CHECK (model_version <> ''),
    verdict       text        NOT NULL CHECK (verdict IN ('full_front', 'full_back', 'full_side', 'partial', 'no_person')),
    score         real        NOT NULL CHECK (score >= 0 AND score <= 1),
    people        int         NOT NULL DEFAULT 0 CHECK (people >= 0),
    box_x0        real,
    box_y0        real,
    box_x1        real,
    box_y1        real,
    landmarks     bytea       CHECK (octet_length(landmarks) = 33 * 5 * 4),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pose_results_box_complete CHECK (
        (box_x0 IS NULL AND box_y0 IS NULL AND box_x1 IS NULL AND box_y1 IS NULL)
        OR (box_x0 IS NOT NULL AND box_y0 IS NOT NULL AND box_x1 IS NOT NULL AND box_y1 IS NOT NULL
            AND box_x0 >= 0 AND box_y0 >= 0 AND box_x1 > box_x0 AND box_y1 > box_y0)),
    CONSTRAINT pose_results_no_person_has_no_pose CHECK (
        verdict <> 'no_person' OR (people = 0 AND box_x0 IS NULL AND landmarks IS NULL))
);
CREATE INDEX pose_results_verdict_idx ON pose_results (verdict);
COMMENT ON TABLE pose_results IS 'The pose stage''s verdict per image (BlazePose detector + full landmark model).';
COMMENT ON COLUMN pose_results.score IS 'Confidence of the verdict, 0..1.';
COMMENT ON COLUMN pose_results.people IS 'Number of people detected.';
COMMENT ON COLUMN pose_results.box_x0 IS 'Main person box in pixels (box_x0..box_y1 all set or all NULL).';
COMMENT ON COLUMN pose_results.landmarks IS
    'Main person''s 33 landmarks x 5 float32 (x, y, z, visibility, presence), little-endian: 660 bytes.';

CREATE TABLE articles (
    article_id     text        PRIMARY KEY CHECK (article_id ~ '^[0-9a-f]{64}$'),
    image_id       text        NOT NULL REFERENCES images (image_id) ON DELETE CASCADE,
    ordinal        int         NOT NULL CHECK (ordinal >= 0),
    super_category text        NOT NULL CHECK (super_category IN ('upper', 'lower', 'foot')),
    category       text        CHECK (category <> ''),
    x0             real        NOT NULL CHECK (x0 >= 0),
    y0             real        NOT NULL CHECK (y0 >= 0),
    x1             real        NOT NULL,
    y1             real        NOT NULL,
    score          real        NOT NULL CHECK (score >= 0 AND score <= 1),
    crop_blob_key  text        NOT NULL CHECK (crop_blob_key <> ''),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT articles_box_valid CHECK (x1 > x0 AND y1 > y0),
    CONSTRAINT articles_image_category_ordinal_key UNIQUE (image_id, super_category, ordinal),
    -- Target of vectors' composite foreign key (keeps the denormalised super_category consistent).
    CONSTRAINT articles_id_category_key UNIQUE (article_id, super_category)
);
COMMENT ON TABLE articles IS 'Garments localised in an image (pose-guided boxes), one crop each.';
COMMENT ON COLUMN articles.article_id IS
    'Deterministic: SHA-256 hex of (image_id, super_category, ordinal, detector version), so replays upsert.';
COMMENT ON COLUMN articles.ordinal IS 'Index of the article among the image''s articles of the same super-category.';
COMMENT ON COLUMN articles.category IS 'Fine category (e.g. jeans, sneakers) when known.';
COMMENT ON COLUMN articles.x0 IS 'Box in pixels of the original image: (x0, y0) top-left, (x1, y1) bottom-right.';
COMMENT ON COLUMN articles.score IS 'Localisation confidence, 0..1.';
COMMENT ON COLUMN articles.crop_blob_key IS 'Blob-store key of the cropped article image.';

CREATE TABLE vectors (
    article_id     text        NOT NULL,
    model_version  text        NOT NULL CHECK (model_version <> ''),
    super_category text        NOT NULL CHECK (super_category IN ('upper', 'lower', 'foot')),
    dim            int         NOT NULL CHECK (dim > 0),
    shard          int         NOT NULL CHECK (shard >= 0),
    vector         bytea       NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (article_id, model_version),
    CONSTRAINT vectors_length_matches_dim CHECK (octet_length(vector) = 4 * dim),
    CONSTRAINT vectors_article_fkey FOREIGN KEY (article_id, super_category)
        REFERENCES articles (article_id, super_category) ON DELETE CASCADE
);
-- Float vectors do not compress: store them out of line without trying (1280-d = 5,120 bytes).
ALTER TABLE vectors ALTER COLUMN vector SET STORAGE EXTERNAL;
CREATE INDEX vectors_shard_category_idx ON vectors (shard, super_category, model_version);
COMMENT ON TABLE vectors IS 'Embeddings per article and model version; the source searchers rebuild shard indexes from.';
COMMENT ON COLUMN vectors.super_category IS
    'Copied from articles (enforced by the composite foreign key) for per-shard, per-category index builds.';
COMMENT ON COLUMN vectors.dim IS 'Number of float32 components (1280 for EfficientNet-Lite0 features).';
COMMENT ON COLUMN vectors.shard IS 'Partition of the embedded topic that carried the vector = the shard that indexes it.';
COMMENT ON COLUMN vectors.vector IS 'dim little-endian float32 values (4 * dim bytes).';

-- ---------------------------------------------------------------------------------------------------------
-- Queries

CREATE TABLE query_jobs (
    job_id      uuid        PRIMARY KEY,
    image_id    text        REFERENCES images (image_id) ON DELETE SET NULL,
    state       text        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'partial', 'failed')),
    reason      text,
    top_k       int         NOT NULL CHECK (top_k BETWEEN 1 AND 1000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    started_at  timestamptz,
    finished_at timestamptz,
    CONSTRAINT query_jobs_finished_iff_terminal CHECK ((state IN ('done', 'partial', 'failed')) = (finished_at IS NOT NULL)),
    CONSTRAINT query_jobs_running_has_started CHECK (state NOT IN ('running', 'done', 'partial') OR started_at IS NOT NULL),
    CONSTRAINT query_jobs_incomplete_has_reason CHECK (state NOT IN ('partial', 'failed') OR reason IS NOT NULL)
);
CREATE INDEX query_jobs_image_idx ON query_jobs (image_id);
-- Sweeper: find jobs that have not finished (deadline enforcement after a worker crash).
CREATE INDEX query_jobs_unfinished_idx ON query_jobs (created_at) WHERE state IN ('queued', 'running');
COMMENT ON TABLE query_jobs IS 'Shopper photo searches: an async job per query image. A job never hangs.';
COMMENT ON COLUMN query_jobs.image_id IS 'The query image; NULL if it was deleted (or the upload failed).';
COMMENT ON COLUMN query_jobs.state IS
    'queued -> running -> done, or partial (some shards did not answer by the deadline) or failed, with reason.';
COMMENT ON COLUMN query_jobs.top_k IS 'Products to return per detected article.';

CREATE TABLE query_results (
    job_id             uuid NOT NULL REFERENCES query_jobs (job_id) ON DELETE CASCADE,
    article_ordinal    int  NOT NULL CHECK (article_ordinal >= 0),
    super_category     text NOT NULL CHECK (super_category IN ('upper', 'lower', 'foot')),
    category           text,
    x0                 real NOT NULL CHECK (x0 >= 0),
    y0                 real NOT NULL CHECK (y0 >= 0),
    x1                 real NOT NULL,
    y1                 real NOT NULL,
    crop_blob_key      text,
    rank               int  NOT NULL CHECK (rank >= 0),
    product_id         text REFERENCES products (product_id) ON DELETE SET NULL,
    matched_article_id text REFERENCES articles (article_id) ON DELETE SET NULL,
    score              real CHECK (score <> 'NaN'::real),
    reason             text,
    PRIMARY KEY (job_id, article_ordinal, rank),
    CONSTRAINT query_results_box_valid CHECK (x1 > x0 AND y1 > y0),
    CONSTRAINT query_results_match_has_score CHECK (rank = 0 OR score IS NOT NULL),
    CONSTRAINT query_results_no_match_has_reason CHECK (rank > 0 OR reason IS NOT NULL)
);
CREATE INDEX query_results_product_idx ON query_results (product_id) WHERE product_id IS NOT NULL;
CREATE INDEX query_results_matched_article_idx ON query_results (matched_article_id) WHERE matched_article_id IS NOT NULL;
COMMENT ON TABLE query_results IS
    'Per detected query article: its box and crop, and the top-k matches (rank 1..k) with scores.';
COMMENT ON COLUMN query_results.article_ordinal IS 'Index of the article detected in the query image.';
COMMENT ON COLUMN query_results.rank IS
    '1 = best match. Rank 0 is a placeholder row for an article without matches; reason says why.';
COMMENT ON COLUMN query_results.product_id IS 'Matched product (NULL if the product was deleted since).';
COMMENT ON COLUMN query_results.matched_article_id IS 'The catalog article whose vector matched (its crop shows why).';
COMMENT ON COLUMN query_results.score IS 'Similarity reported by the searcher (higher is better).';

-- ---------------------------------------------------------------------------------------------------------
-- Operations

CREATE TABLE dead_letters (
    id               bigserial   PRIMARY KEY,
    stage            text        NOT NULL CHECK (stage IN ('pose', 'detect', 'embed', 'query')),
    source_topic     text        NOT NULL CHECK (source_topic <> ''),
    source_partition int         NOT NULL CHECK (source_partition >= 0),
    source_offset    bigint      NOT NULL CHECK (source_offset >= 0),
    message_key      bytea,
    payload          bytea,
    error            text        NOT NULL,
    error_kind       text        NOT NULL CHECK (error_kind <> ''),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dead_letters_source_key UNIQUE (stage, source_topic, source_partition, source_offset)
);
CREATE INDEX dead_letters_created_idx ON dead_letters (created_at);
COMMENT ON TABLE dead_letters IS
    'Poison messages a stage gave up on (also sent to its dead-letter topic). One row per source message: replays upsert.';
COMMENT ON COLUMN dead_letters.error_kind IS 'Machine-readable class of the error (e.g. decode, schema, too_large).';
COMMENT ON COLUMN dead_letters.payload IS 'The original message value, for inspection and replay.';
