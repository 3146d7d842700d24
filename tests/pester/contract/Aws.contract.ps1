# AWS Lambda against tests/infra/fake-aws (Lambda, IAM, STS, CloudWatch Logs checking Signature V4 and running the
# deployed zips) with the s3rver and dynalite emulators from tests/infra/start-services.sh for S3 and DynamoDB.
@{
    Name               = 'Aws (fake Lambda control plane)'
    Platform           = 'Aws'
    Languages          = @('python', 'nodejs')
    Triggers           = @('Library', 'Http')
    Memory             = @(128, 256)
    NoSql              = $true
    Metrics            = 'ProviderTime'
    CleanupKinds       = @('function', 'function-url', 'log-group', 'table', 'bucket')
    Start              = {
        param($Root)
        Import-Module (Join-Path $PSScriptRoot '../../infra/fake-aws/FakeAws.psm1') -Force
        $services = Get-SebsTestServices
        if (-not $services.SEBS_TEST_S3_ENDPOINT -or -not $services.SEBS_TEST_DYNAMODB_ENDPOINT) {
            return @{ Skip = 'no S3 or DynamoDB emulator (tests/infra/start-services.sh)'; Environment = @{} }
        }
        # Python functions use Debian's boto3 (the Lambda runtime has boto3); Node.js ones the SDK v3 start-services.sh installs.
        $python = if (Test-Path /usr/bin/python3) { '/usr/bin/python3' } else { 'python3' }
        & $python -c 'import boto3' 2>$null
        if ($LASTEXITCODE -ne 0) { return @{ Skip = "$python has no boto3 (Debian package python3-boto3)"; Environment = @{} } }
        $nodeSdk = Join-Path $PSScriptRoot '../../../.tools/npm-aws-sdk/node_modules'
        if (-not (Test-Path (Join-Path $nodeSdk '@aws-sdk/client-s3'))) { return @{ Skip = 'the AWS SDK for Node is not installed (tests/infra/start-services.sh)'; Environment = @{} } }
        $key = $services.SEBS_TEST_S3_ACCESS_KEY; $secret = $services.SEBS_TEST_S3_SECRET_KEY
        $fake = Start-FakeAws -AccessKey $key -SecretKey $secret -Python $python -FunctionEnv @(
            "AWS_ENDPOINT_URL_S3=http://$($services.SEBS_TEST_S3_ENDPOINT)", "AWS_ENDPOINT_URL_DYNAMODB=http://$($services.SEBS_TEST_DYNAMODB_ENDPOINT)",
            "AWS_ACCESS_KEY_ID=$key", "AWS_SECRET_ACCESS_KEY=$secret", "NODE_PATH=$nodeSdk") `
            -ExtraArguments $(if ($services.SEBS_TEST_REGISTRY) { @('--registry', $services.SEBS_TEST_REGISTRY) } else { @() })
        # A resource id of its own: buckets and tables live in emulators other suites share.
        $rid = 'ct' + [guid]::NewGuid().ToString('N').Substring(0, 6)
        $config = New-FakeAwsConfig -Path (Join-Path $Root 'aws.json') -Endpoint $fake.Url -Services $services -ResourcesId $rid -AccessKey $key -SecretKey $secret
        @{ Skip = $null; Arguments = @{ Platform = 'Aws'; ConfigPath = $config; CachePath = (Join-Path $Root 'cache') }; Environment = @{}; State = $fake }
    }
    Stop               = {
        param($Context)
        if ($Context.Arguments) { $a = $Context.Arguments; Remove-SebsResource @a -Force -ErrorAction SilentlyContinue }
        if ($Context.State) { Stop-FakeAws $Context.State }
    }
    Inspect            = {
        param($Context, $FunctionName)
        $f = Get-FakeAwsFunctions $Context.State | Where-Object name -eq $FunctionName
        @{ Exists = [bool]$f; MemoryMB = if ($f) { [int]$f.memory } else { 0 } }
    }
    MissingCredentials = {
        param($Root, $Context)
        $services = Get-SebsTestServices
        $config = New-FakeAwsConfig -Path (Join-Path $Root 'aws-nocreds.json') -Endpoint $Context.State.Url -Services $services -ResourcesId 'ctnocred'
        @{
            Arguments   = @{ Platform = 'Aws'; ConfigPath = $config; CachePath = (Join-Path $Root 'cache-nocreds') }
            # Nothing in the environment, no shared files, no web identity or container endpoint, no instance metadata.
            Environment = @{ AWS_ACCESS_KEY_ID = $null; AWS_SECRET_ACCESS_KEY = $null; AWS_SESSION_TOKEN = $null; AWS_PROFILE = $null
                AWS_SHARED_CREDENTIALS_FILE = (Join-Path $Root 'no-credentials'); AWS_CONFIG_FILE = (Join-Path $Root 'no-config')
                AWS_WEB_IDENTITY_TOKEN_FILE = $null; AWS_CONTAINER_CREDENTIALS_RELATIVE_URI = $null; AWS_CONTAINER_CREDENTIALS_FULL_URI = $null
                AWS_EC2_METADATA_DISABLED = 'true' }
        }
    }
}
