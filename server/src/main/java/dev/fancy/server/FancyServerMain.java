package dev.fancy.server; /** x */ public final class FancyServerMain { public static void main(String[] a) {} }
