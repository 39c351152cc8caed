package dev.fancy.examples.weather;

/**
 * An ordinary least-squares line {@code y = intercept + slope * x}.
 *
 * @param slope the fitted slope
 * @param intercept the fitted intercept
 * @param rSquared the coefficient of determination, {@code 1 - SSres / SStot}
 */
record LeastSquares(double slope, double intercept, double rSquared) {

  /**
   * Fits the line through the points {@code (x[i], y[i])}.
   *
   * @throws IllegalArgumentException if the arrays differ in length, have fewer than two points,
   *     or all x are equal
   */
  static LeastSquares fit(double[] x, double[] y) {
    if (x.length != y.length || x.length < 2) {
      throw new IllegalArgumentException("need two or more (x, y) points of equal count");
    }
    double meanX = 0;
    double meanY = 0;
    for (int i = 0; i < x.length; i++) {
      meanX += x[i];
      meanY += y[i];
    }
    meanX /= x.length;
    meanY /= y.length;
    double sxx = 0;
    double sxy = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxx += (x[i] - meanX) * (x[i] - meanX);
      sxy += (x[i] - meanX) * (y[i] - meanY);
      syy += (y[i] - meanY) * (y[i] - meanY);
    }
    if (sxx == 0) {
      throw new IllegalArgumentException("all x values are equal; the slope is undefined");
    }
    double slope = sxy / sxx;
    double intercept = meanY - slope * meanX;
    double residual = 0;
    for (int i = 0; i < x.length; i++) {
      double error = y[i] - (intercept + slope * x[i]);
      residual += error * error;
    }
    return new LeastSquares(slope, intercept, syy == 0 ? 1 : 1 - residual / syy);
  }
}
