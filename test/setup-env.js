// Runs before every test file: quiet TensorFlow logs; pick the native backend unless told otherwise.
process.env.TF_CPP_MIN_LOG_LEVEL = process.env.TF_CPP_MIN_LOG_LEVEL || "2";
