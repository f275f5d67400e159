import type { Migration } from './migration';

/**
 * The first schema: everything the product needs (study, subjects, timepoints, images, annotations,
 * measurements, stain presets, the analysis protocol and an audit trail), so later features add
 * columns rather than tear tables up. All tables are STRICT; JSON columns are checked with json_valid.
 * Timestamps are ISO-8601 UTC strings written by the application.
 */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial schema',
  up(db) {
    db.exec(`
      CREATE TABLE study (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by_version TEXT NOT NULL,
        notes TEXT NOT NULL DEFAULT ''
      ) STRICT;

      CREATE TABLE subject (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE COLLATE NOCASE,
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE timepoint (
        id INTEGER PRIMARY KEY,
        subject_id INTEGER NOT NULL REFERENCES subject (id) ON DELETE RESTRICT,
        label TEXT NOT NULL COLLATE NOCASE,
        session INTEGER CHECK (session IS NULL OR session >= 0),
        date TEXT CHECK (date IS NULL OR date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        created_at TEXT NOT NULL,
        UNIQUE (subject_id, label)
      ) STRICT;
      CREATE INDEX timepoint_by_subject ON timepoint (subject_id);

      CREATE TABLE image (
        id INTEGER PRIMARY KEY,
        timepoint_id INTEGER NOT NULL REFERENCES timepoint (id) ON DELETE RESTRICT,
        sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
        file_name TEXT NOT NULL,
        stored_name TEXT NOT NULL,
        format TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'tiff', 'svs')),
        width INTEGER NOT NULL CHECK (width > 0),
        height INTEGER NOT NULL CHECK (height > 0),
        byte_size INTEGER NOT NULL CHECK (byte_size >= 0),
        bit_depth INTEGER NOT NULL,
        channels INTEGER NOT NULL,
        pages INTEGER NOT NULL DEFAULT 1 CHECK (pages > 0),
        um_per_px REAL CHECK (um_per_px IS NULL OR um_per_px > 0),
        calibration_source TEXT CHECK (calibration_source IN ('file', 'typed', 'scale-bar')),
        stain TEXT,
        preview_width INTEGER NOT NULL CHECK (preview_width > 0),
        preview_height INTEGER NOT NULL CHECK (preview_height > 0),
        colour_fix TEXT,
        locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
        imported_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX image_by_timepoint ON image (timepoint_id);

      CREATE TABLE annotation_class (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        colour TEXT NOT NULL CHECK (colour GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
        role TEXT CHECK (role IN ('roi', 'exclude', 'stained')),
        built_in INTEGER NOT NULL DEFAULT 0 CHECK (built_in IN (0, 1)),
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE annotation (
        id INTEGER PRIMARY KEY,
        -- The editor's stable key (a UUID made by the client), so undo/redo patches and autosaves
        -- keyed by it stay valid across saves.
        key TEXT NOT NULL UNIQUE CHECK (length(key) BETWEEN 1 AND 64),
        image_id INTEGER NOT NULL REFERENCES image (id) ON DELETE CASCADE,
        class_id INTEGER NOT NULL REFERENCES annotation_class (id) ON DELETE RESTRICT,
        kind TEXT NOT NULL CHECK (kind IN ('polygon', 'rectangle', 'ellipse', 'freehand', 'mask', 'point', 'polyline')),
        geometry TEXT NOT NULL CHECK (json_valid(geometry)),
        name TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX annotation_by_image ON annotation (image_id);

      CREATE TABLE measurement (
        id INTEGER PRIMARY KEY,
        image_id INTEGER NOT NULL REFERENCES image (id) ON DELETE CASCADE,
        image_sha256 TEXT NOT NULL CHECK (length(image_sha256) = 64),
        algorithm_version TEXT NOT NULL,
        params TEXT NOT NULL CHECK (json_valid(params)),
        result TEXT NOT NULL CHECK (json_valid(result)),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX measurement_by_image ON measurement (image_id, created_at);

      CREATE TABLE stain_preset (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        vectors TEXT NOT NULL CHECK (json_valid(vectors)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE protocol (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        params TEXT NOT NULL CHECK (json_valid(params)),
        locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE audit_event (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id INTEGER,
        detail TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
      ) STRICT;
      CREATE INDEX audit_event_by_entity ON audit_event (entity, entity_id);
    `);
    const now = new Date().toISOString();
    const seedClass = db.prepare(
      'INSERT INTO annotation_class (name, colour, role, built_in, created_at) VALUES (?, ?, ?, 1, ?)',
    );
    seedClass.run('Region of interest', '#2f80ed', 'roi', now);
    seedClass.run('Exclude', '#828282', 'exclude', now);
    seedClass.run('Stained collagen', '#9b51e0', 'stained', now);
  },
};
