using STADNet.Client;

return await StadnetCli.Build().Parse(args).InvokeAsync();
