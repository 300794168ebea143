public enum OutcomesVersion { public static let string = "0.1.0" }
