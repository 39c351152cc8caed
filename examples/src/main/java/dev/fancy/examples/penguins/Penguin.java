package dev.fancy.examples.penguins;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One row of {@code penguins.json} (Palmer Station LTER, via vega-datasets): species, island,
 * beak length and depth (mm), flipper length (mm), body mass (g) and sex. Measurements and sex
 * may be null in the data.
 *
 * @param species Adelie, Chinstrap or Gentoo: the label to predict
 * @param island Biscoe, Dream or Torgersen
 * @param beakLength beak (culmen) length in mm, or null
 * @param beakDepth beak (culmen) depth in mm, or null
 * @param flipperLength flipper length in mm, or null
 * @param bodyMass body mass in g, or null
 * @param sex MALE, FEMALE, or null
 */
public record Penguin(
    @JsonProperty("Species") String species,
    @JsonProperty("Island") String island,
    @JsonProperty("Beak Length (mm)") Double beakLength,
    @JsonProperty("Beak Depth (mm)") Double beakDepth,
    @JsonProperty("Flipper Length (mm)") Double flipperLength,
    @JsonProperty("Body Mass (g)") Double bodyMass,
    @JsonProperty("Sex") String sex) {

  /** Whether all four measurements are present. */
  public boolean measured() {
    return beakLength != null && beakDepth != null && flipperLength != null && bodyMass != null;
  }

  /** The four measurements, in a fixed order. */
  public double[] features() {
    return new double[] {beakLength, beakDepth, flipperLength, bodyMass};
  }
}
