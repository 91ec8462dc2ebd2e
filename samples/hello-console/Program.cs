Console.WriteLine($"Hello from a container image pushed to Lamina ({Environment.OSVersion}).");
