package dev.outrigger.sidecar.outlier;

/** Envoy's success-rate outlier threshold: mean − stdev × factor over the qualifying endpoints. */
final class SuccessRateMath {

    private SuccessRateMath() {
    }

    /** The mean of the first {@code n} {@code rates}. */
    static double mean(double[] rates, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += rates[i];
        }
        return sum / n;
    }

    /** The population standard deviation of the first {@code n} {@code rates} around {@code mean}. */
    static double stdev(double[] rates, int n, double mean) {
        double variance = 0;
        for (int i = 0; i < n; i++) {
            double d = rates[i] - mean;
            variance += d * d;
        }
        return Math.sqrt(variance / n);
    }

    /**
     * The success rate (percent) below which an endpoint is an outlier.
     *
     * @param stdevFactor {@code success_rate_stdev_factor} (thousandths)
     */
    static double threshold(double[] rates, int n, int stdevFactor) {
        double mean = mean(rates, n);
        return mean - stdev(rates, n, mean) * (stdevFactor / 1000.0);
    }
}
