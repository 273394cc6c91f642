import { useMutation } from '@tanstack/react-query';
import { isApiError } from '../../api/client.js';
import { endpoints } from '../../api/endpoints.js';
import { Button, type ButtonProps } from '../../ui/Button.js';
import { MailIcon } from '../../ui/icons.js';

/** Sends a fresh confirmation email; shows what happened in place. */
export function ResendVerificationButton(props: Pick<ButtonProps, 'variant' | 'size' | 'className'>) {
  const resend = useMutation({ mutationFn: endpoints.resendVerification });
  if (resend.isSuccess) {
    return (
      <span className="inline-status inline-status-success" role="status">
        Sent. Check your inbox.
      </span>
    );
  }
  return (
    <>
      <Button icon={<MailIcon size={16} />} busy={resend.isPending} onClick={() => resend.mutate()} {...props}>
        Resend email
      </Button>
      {resend.isError && (
        <span className="inline-status inline-status-error" role="alert">
          {isApiError(resend.error) ? resend.error.message : 'Could not send. Try again.'}
        </span>
      )}
    </>
  );
}
