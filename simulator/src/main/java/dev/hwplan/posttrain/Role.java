package dev.hwplan.posttrain;

/** The part a model copy plays in a post-training method. */
public enum Role {
  POLICY("policy"),
  REFERENCE("reference"),
  REWARD("reward"),
  CRITIC("critic");

  private final String key;

  Role(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }
}
