namespace STADNet.Model;

/// <summary>Runs model code synchronously on a dedicated thread: TorchSharp dispose scopes and grad mode are per thread.</summary>
public static class ModelThread
{
    public static Task<T> Run<T>(Func<T> work, string name = "stadnet-model")
    {
        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try { completion.SetResult(work()); }
            catch (Exception e) { completion.SetException(e); }
        }) { IsBackground = true, Name = name }.Start();
        return completion.Task;
    }
}
