package dev.hwplan.scenario;

import dev.hwplan.hardware.ProfileCatalog;

/**
 * What studies share while a scenario runs.
 *
 * @param profiles the GPU catalog (bundled plus the user's)
 * @param quick whether to take the quick path where a study measures (CI and tests)
 */
public record StudyContext(ProfileCatalog profiles, boolean quick) {}
