# Sourced by spark-submit and spark-class beside it: Spark as the distributed module's build
# resolved it (no Spark installation needed), laid out as a SPARK_HOME under distributed/target/
# (a standalone Worker starts its executors from SPARK_HOME/jars), and the JVM options that Spark
# needs on Java 17 (java-options beside this file; the tests' JVM gets the same, from the pom).
dist="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cpfile="$dist/target/spark-classpath-provided.txt"
shared="$dist/target/spark-classpath-shared.txt"
if [[ ! -s "$cpfile" || ! -f "$shared" ]]; then
  echo "$(basename "$0"): error: Spark's jars are not resolved yet; build the distributed module:" \
    "mvn -B -Pspark -pl distributed -am package -DskipTests" >&2
  exit 2
fi
export SPARK_HOME="$dist/target/spark-home"
export SPARK_SCALA_VERSION=2.13
if [[ ! -d "$SPARK_HOME/jars" || "$cpfile" -nt "$SPARK_HOME/jars" ]]; then
  rm -rf "$SPARK_HOME"
  mkdir -p "$SPARK_HOME/jars.tmp"
  cat "$cpfile" <(echo) "$shared" <(echo) | tr ':' '\n' | while read -r jar; do
    [[ -n "$jar" ]] && ln -sf "$jar" "$SPARK_HOME/jars.tmp/"
  done
  mv "$SPARK_HOME/jars.tmp" "$SPARK_HOME/jars"
fi
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA="$(command -v java)"
fi
read -r -a SPARK_JAVA_OPTS <"$dist/bin/java-options"
